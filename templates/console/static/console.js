// Loaded as a file (the CSP allows no inline script). Its jobs: sign out in the browser when the
// server's idle limit has passed, tell the reviewer who else has the consultation open, grow the
// reply editor with its text and give it a small formatting bar, and the keyboard shortcuts listed
// on each page. Everything works without it; it only saves clicks.
(function () {
  'use strict';
  var body = document.body;
  if (!body || !body.hasAttribute('data-signed-in')) return;
  var idleMs = (Number(body.getAttribute('data-idle-minutes')) || 30) * 60 * 1000;
  var lastInput = Date.now();
  ['keydown', 'mousedown', 'mousemove', 'scroll', 'touchstart'].forEach(function (ev) {
    document.addEventListener(ev, function () { lastInput = Date.now(); }, { passive: true });
  });
  setInterval(function () {
    if (Date.now() - lastInput > idleMs) window.location.assign('/login?expired=1');
  }, 15000);
  var meta = document.querySelector('meta[name="csrf-token"]');
  var csrf = meta ? meta.getAttribute('content') || '' : '';

  // --- The reply editor: grows with its content (CSS field-sizing where supported, else here).
  var editor = document.getElementById('draft-text');
  if (editor) {
    var grow = function () {
      if (window.CSS && CSS.supports && CSS.supports('field-sizing', 'content')) return;
      editor.style.height = 'auto';
      editor.style.height = (editor.scrollHeight + 4) + 'px';
    };
    editor.addEventListener('input', grow);
    grow();
    var bar = document.querySelector('.toolbar[aria-controls="draft-text"]');
    if (bar) {
      bar.hidden = false;
      bar.addEventListener('click', function (e) {
        var b = e.target.closest('button[data-md]');
        if (b) format(b.getAttribute('data-md'));
      });
    }
  }
  // Prefixes the selected lines (heading, lists) or wraps the selection (bold), keeping undo sane.
  function format(kind) {
    var v = editor.value, s = editor.selectionStart, e = editor.selectionEnd;
    editor.focus();
    if (kind === 'bold') {
      editor.setRangeText('**' + v.slice(s, e) + '**', s, e, 'end');
    } else {
      var start = v.lastIndexOf('\n', s - 1) + 1;
      var end = v.indexOf('\n', e);
      if (end < 0) end = v.length;
      var n = 0;
      var lines = v.slice(start, end).split('\n').map(function (l) {
        var bare = l.replace(/^(#{1,6} |- |\d+\. )/, '');
        if (kind === 'heading') return '## ' + bare;
        if (kind === 'bullet') return '- ' + bare;
        n += 1;
        return n + '. ' + bare;
      });
      editor.setRangeText(lines.join('\n'), start, end, 'select');
    }
    editor.dispatchEvent(new Event('input'));
  }

  // --- Keyboard shortcuts (listed on each page). Never while typing in a field, never with Alt/Meta.
  var rows = Array.prototype.slice.call(document.querySelectorAll('table.queue tbody tr[data-id]'));
  var selected = -1;
  function select(i) {
    if (!rows.length) return;
    i = Math.max(0, Math.min(rows.length - 1, i));
    if (selected >= 0) rows[selected].removeAttribute('aria-selected');
    selected = i;
    rows[i].setAttribute('aria-selected', 'true');
    rows[i].scrollIntoView({ block: 'nearest' });
    var a = rows[i].querySelector('a');
    if (a) a.focus({ preventScroll: true });
  }
  function post(action) {
    var f = document.createElement('form');
    f.method = 'post';
    f.action = action;
    var t = document.createElement('input');
    t.type = 'hidden';
    t.name = '_csrf';
    t.value = csrf;
    f.appendChild(t);
    document.body.appendChild(f);
    f.submit();
  }
  function click(id) {
    var el = document.getElementById(id);
    if (!el) return false;
    el.click();
    return true;
  }
  function go(id) {
    var el = document.getElementById(id);
    if (el && el.href) window.location.assign(el.href);
  }
  var confirmPage = document.getElementById('send-form');
  document.addEventListener('keydown', function (e) {
    if (e.altKey || e.metaKey) return;
    var t = e.target;
    var typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (typing) {
      if (t === editor && e.key === 'Enter' && e.ctrlKey) { e.preventDefault(); click('approve-btn'); }
      else if (e.key === 'Escape') t.blur();
      return;
    }
    if (e.ctrlKey) return;
    var k = e.key;
    if (rows.length) {
      if (k === 'j' || k === 'ArrowDown') { e.preventDefault(); select(selected + 1); return; }
      if (k === 'k' || k === 'ArrowUp') { e.preventDefault(); select(selected - 1); return; }
      if ((k === 'o' || k === 'Enter') && selected >= 0) { e.preventDefault(); window.location.assign('/c/' + rows[selected].getAttribute('data-id')); return; }
      if (k === 'c' && selected >= 0) { e.preventDefault(); post('/c/' + rows[selected].getAttribute('data-id') + '/claim'); return; }
    }
    if (confirmPage) {
      if (k === 'a') { e.preventDefault(); click('send-btn'); return; }
      if (k === 'Escape') { e.preventDefault(); go('back-link'); return; }
      return;
    }
    if (k === 'j') go('next-case');
    else if (k === 'k') go('prev-case');
    else if (k === 'c') click('claim-btn');
    else if (k === 'a') click('approve-btn');
    else if (k === 'e' && editor) { e.preventDefault(); editor.focus(); }
    else if (k === 'n') window.location.assign('/next');
    else if (k === 'm') window.location.assign('/queue?assignee=mine');
    else if (k === 'u') window.location.assign('/queue');
    else if (k === '?') { var d = document.getElementById('keys'); if (d) d.open = !d.open; }
  });

  // --- Presence: who else has this consultation open.
  var others = document.getElementById('others');
  if (!others || !meta) return;
  var id = others.getAttribute('data-consultation');
  function beat() {
    // Only an active reviewer keeps the session alive; an abandoned tab must still time out.
    if (Date.now() - lastInput > 60000) return;
    fetch('/c/' + encodeURIComponent(id) + '/presence', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-csrf-token': csrf },
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) return;
      others.textContent = data.others.length ? 'Also open by: ' + data.others.join(', ') : '';
    }).catch(function () {});
  }
  setInterval(beat, 30000);
})();
