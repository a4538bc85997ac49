// The `caseconsultant` command.
import { Command, Option } from 'commander';
import { startPoller, startWeb, startWorkers, onShutdown, type Running } from './app.ts';
import { getConfig } from './config.ts';
import { createContext } from './context.ts';
import { AppError, ErrorCodes } from './errors.ts';
import { migrate } from './store/migrate.ts';
import { openDb } from './store/open.ts';
import { createUser, issueToken, type Role } from './store/users.ts';
import { createAccount, linkContactToAccount } from './store/accounts.ts';
import { readFirstLine, setPassword } from './review/console/credentials.ts';
import { registerDraftCommand } from './drafting/cli.ts';
import { registerKbCommands } from './kb/cli.ts';
import { registerMailboxCommands } from './mail/mailboxes-cli.ts';
import { ensureMaildir } from './mail/sources/maildir.ts';
import { startMetricsPublisher } from './metrics-relay.ts';
import type { QueueName } from './queue/contracts.ts';

const program = new Command('caseconsultant').description('Email coding consultant: grounded, reviewed answers to medical coding questions.');

async function run(parts: ('web' | 'poller' | 'worker')[], queues?: QueueName[]): Promise<void> {
  const config = getConfig();
  const ctx = await createContext(config, { migrate: true, part: parts.length === 3 ? 'start' : parts[0] });
  if (!config.IMAP_URL) ensureMaildir(config.paths.maildir);
  const running: Running[] = [];
  // Without a web server of its own, the process sends its metrics to the web's /metrics (stopped last,
  // so the final snapshot holds the last jobs).
  if (!parts.includes('web')) running.push(startMetricsPublisher(ctx));
  if (parts.includes('worker')) running.push(await startWorkers(ctx, queues));
  if (parts.includes('poller')) running.push(await startPoller(ctx));
  if (parts.includes('web')) {
    const web = await startWeb(ctx);
    running.push(web);
    ctx.log.info({ url: config.PUBLIC_URL, port: web.port }, 'caseconsultant running');
  }
  onShutdown(ctx, running);
  // The moment every part of this process has started (bench/startup.ts times processes to this line).
  ctx.log.info({ parts }, 'ready');
  // A parent that started this process with an IPC channel (the tests, the pipeline bench) learns that
  // it is ready, and how long start-up took; the channel must not keep the process alive on its own.
  if (process.send) {
    process.send({ type: 'ready' });
    process.channel?.unref();
  }
}

program
  .command('start')
  .description('run web, poller and all workers in one process (npm start)')
  .action(() => run(['web', 'poller', 'worker']));
program
  .command('web')
  .description('run the web console and API')
  .action(() => run(['web']));
program
  .command('poller')
  .description('run the mailbox poller (run two: each mailbox is held by one, the other takes over when it dies)')
  .action(() => run(['poller']));
program
  .command('worker')
  .description('run queue workers')
  .addOption(new Option('--queues <names...>', 'queues to work').choices(['ingest', 'draft', 'notify', 'send']))
  .action((opts: { queues?: QueueName[] }) => run(['worker'], opts.queues));

program
  .command('migrate')
  .description('apply database migrations')
  .action(async () => {
    const db = await openDb(getConfig());
    const applied = await migrate(db);
    await db.close();
    console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
  });

const users = program.command('users').description('manage reviewers, leads and admins');
users
  .command('add')
  .description('create (or update) a user and print a new API token on the last line')
  .requiredOption('--email <email>')
  .requiredOption('--name <name>')
  .addOption(new Option('--role <role>').choices(['reviewer', 'lead', 'admin']).makeOptionMandatory())
  .option('--specialty <specialty...>', 'specialties (e.g. radiology surgery em hcpcs diagnosis)', [])
  .option('--capacity <n>', 'open consultations at most', (v) => Number(v), 20)
  .action(async (o: { email: string; name: string; role: Role; specialty: string[]; capacity: number }) => {
    const db = await openDb(getConfig());
    await migrate(db);
    const user = await createUser(db, { email: o.email, name: o.name, role: o.role, specialties: o.specialty, capacity: o.capacity });
    const token = await issueToken(db, user.id);
    await db.close();
    console.log(`user ${user.id} ${user.email} (${user.role}${user.specialties.length ? `; ${user.specialties.join(', ')}` : ''})`);
    console.log('API token (shown once):');
    console.log(token);
  });

users
  .command('password')
  .description('set a console password, read from the first line of standard input (12 characters at least)')
  .requiredOption('--email <email>')
  .action(async (o: { email: string }) => {
    const password = await readFirstLine(process.stdin);
    const db = await openDb(getConfig());
    await migrate(db);
    try {
      const user = await setPassword(db, o.email, password);
      console.log(`password set for user ${user.id} ${user.email}`);
    } finally {
      await db.close();
    }
  });

const accounts = program.command('accounts').description('manage customer accounts');
accounts
  .command('add')
  .description('create or update an account for a sender domain and/or single addresses')
  .requiredOption('--name <name>')
  .option('--domain <domain>', 'every sender at this domain belongs to the account')
  .option('--email <address...>', 'these addresses belong to the account (whatever their domain)', [])
  .addOption(new Option('--plan <plan>').choices(['guest', 'free', 'pro']).default('free'))
  .action(async (o: { name: string; domain?: string; email: string[]; plan: string }) => {
    if (!o.domain && o.email.length === 0) throw new AppError(ErrorCodes.BAD_REQUEST, 'give --domain, --email or both');
    const db = await openDb(getConfig());
    await migrate(db);
    const id = await createAccount(db, { name: o.name, domain: o.domain?.toLowerCase() ?? null, plan: o.plan });
    for (const e of o.email) await linkContactToAccount(db, e, id);
    await db.close();
    console.log(`account ${id}${o.domain ? ` ${o.domain}` : ''}${o.email.length ? ` +${o.email.length} address(es)` : ''} (${o.plan})`);
  });

registerMailboxCommands(program);
registerDraftCommand(program);
registerKbCommands(program, { dataDir: () => getConfig().DATA_DIR });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof AppError) {
    console.error(`caseconsultant: ${err.message}`);
    process.exit(2);
  }
  throw err;
}
