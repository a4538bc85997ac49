// Loaded as a file (the CSP allows no inline script). Two jobs: sign out in the browser when the
// server's idle limit has passed, and tell the reviewer who else has the consultation open.
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

  var others = document.getElementById('others');
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!others || !meta) return;
  var id = others.getAttribute('data-consultation');
  function beat() {
    // Only an active reviewer keeps the session alive; an abandoned tab must still time out.
    if (Date.now() - lastInput > 60000) return;
    fetch('/c/' + encodeURIComponent(id) + '/presence', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-csrf-token': meta.getAttribute('content') || '' },
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (data) {
      if (!data) return;
      others.textContent = data.others.length ? 'Also open by: ' + data.others.join(', ') : '';
    }).catch(function () {});
  }
  setInterval(beat, 30000);
})();
