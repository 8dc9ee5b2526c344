/**
 * A whole install on this machine, from Debian packages, all on 127.0.0.1 (docs/deploy.md):
 * a PostgreSQL 15 primary and a streaming-replication hot standby, PgBouncer in front of the
 * primary, N app instances (ROLE=web) behind HAProxy, and one worker (ROLE=worker).
 *
 *   npm run cluster                         start (2 app instances), print the addresses, run until Ctrl-C
 *   npm run cluster -- --apps 3 --pool transaction --dir /tmp/c --port-base 5541 --no-demo
 *   npm run cluster -- stop [--dir D]       stop a cluster started earlier (also after a kill -9 of the script)
 *
 * Programmatic (benches, tests): `startCluster(options)` returns a `Cluster` with the addresses,
 * the processes and `stop()`, `killApp(i)`, `startApp(i)`, `stopPrimary()`, `promoteStandby()`.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';
const HOST = '127.0.0.1';

export interface ClusterPorts {
  primary: number;
  standby: number;
  pgbouncer: number;
  haproxy: number;
  /** The first app instance's; the next ones follow. */
  app: number;
  worker: number;
}

/** The default ports; `--port-base B` moves them together (primary B, standby B+1, ...). */
export const DEFAULT_PORTS: ClusterPorts = {
  primary: 5441,
  standby: 5442,
  pgbouncer: 6441,
  haproxy: 8441,
  app: 3101,
  worker: 3199,
};

export function portsFrom(base: number): ClusterPorts {
  return {
    primary: base,
    standby: base + 1,
    pgbouncer: base + 1000,
    haproxy: base + 3000,
    app: base - 2340,
    worker: base - 2242,
  };
}

export interface ClusterOptions {
  /** Where data, configuration, logs and the state file live (default .cluster in the repo). */
  dir?: string;
  /** App instances behind HAProxy (default 2). */
  apps?: number;
  ports?: Partial<ClusterPorts>;
  /** PgBouncer's pool mode (default session: decision 126). Transaction mode turns named statements off. */
  pool?: 'session' | 'transaction';
  /** Load the demo data into a new database (default true; its users share a published password). */
  demo?: boolean;
  /** Extra environment for the app instances and the worker (e.g. LOG_LEVEL, MAILING_PER_SECOND). */
  env?: Record<string, string>;
  /** Start without the worker (a test that needs no jobs). */
  worker?: boolean;
  /** Wipe `dir` first (default true): a new cluster every start. */
  fresh?: boolean;
  log?: (line: string) => void;
}

export interface NodeProcess {
  name: string;
  port: number;
  child: ChildProcess | undefined;
  log: string;
}

export interface Cluster {
  dir: string;
  ports: ClusterPorts;
  /** HAProxy: the address customers use. */
  url: string;
  /** Every app instance's own address. */
  appUrls: string[];
  workerUrl: string;
  /** The database through PgBouncer (what the apps use), directly on the primary, on the standby. */
  databaseUrl: string;
  primaryUrl: string;
  standbyUrl: string;
  apps: NodeProcess[];
  worker: NodeProcess | undefined;
  /** Kills app instance i (SIGKILL by default: no shutdown at all). */
  killApp(i: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts app instance i again (after killApp), waits until it is ready. */
  startApp(i: number): Promise<void>;
  /** Stops the primary at once (`pg_ctl stop -m immediate`): the database is away. */
  stopPrimary(): Promise<void>;
  /**
   * Failover: promotes the standby (`pg_ctl promote`), points PgBouncer at it and reloads
   * PgBouncer (SIGHUP). The apps reconnect through PgBouncer without a restart.
   */
  promoteStandby(): Promise<void>;
  stop(): Promise<void>;
}

/** What `npm run cluster -- stop` needs to find a cluster again. */
interface State {
  dir: string;
  /** The process that started the cluster (npm run cluster waits for Ctrl-C there). */
  owner: number;
  pids: { name: string; pid: number }[];
  pgData: string[];
}

/** The programs a cluster needs; the names of the missing ones with the Debian package to install. */
export function missingPrograms(): string[] {
  const missing: string[] = [];
  for (const tool of ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres'])
    if (!existsSync(join(PG_BIN, tool)))
      missing.push(`${join(PG_BIN, tool)} (apt-get install postgresql-15, or set PG_BIN)`);
  for (const tool of ['pgbouncer', 'haproxy'])
    if (!which(tool)) missing.push(`${tool} (apt-get install ${tool})`);
  if (process.getuid?.() === 0 && !userExists('postgres'))
    missing.push('a user "postgres" to run PostgreSQL and PgBouncer as (root may not run them)');
  return missing;
}

function which(tool: string): string | undefined {
  for (const dir of [
    '/usr/sbin',
    '/usr/bin',
    '/usr/local/sbin',
    '/usr/local/bin',
    ...(process.env.PATH ?? '').split(':'),
  ])
    if (dir && existsSync(join(dir, tool))) return join(dir, tool);
  return undefined;
}

function userExists(name: string): boolean {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const asRoot = () => process.getuid?.() === 0;

/** PostgreSQL and PgBouncer refuse to run as root: as root, they run as the user postgres. */
function pgCommand(tool: string, args: string[]): [string, string[]] {
  const path = join(PG_BIN, tool);
  return asRoot() ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

function run(command: [string, string[]], what: string) {
  try {
    return execFileSync(command[0], command[1], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${what} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

function ownByPostgres(path: string) {
  if (!asRoot()) return;
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  chownSync(path, uid, gid);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: () => Promise<boolean> | boolean, timeoutMs: number, label: string) {
  const start = Date.now();
  while (!(await what())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${label}`);
    await sleep(200);
  }
}

async function answers(url: string): Promise<number> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

function postgresConf(port: number, dir: string): string {
  return [
    '# Written by scripts/cluster.ts',
    `port = ${port}`,
    `listen_addresses = '${HOST}'`,
    `unix_socket_directories = '${dir}'`,
    'wal_level = replica',
    'max_wal_senders = 5',
    'wal_keep_size = 256MB',
    'hot_standby = on',
    'max_connections = 200',
    'shared_buffers = 128MB',
    "log_destination = 'stderr'",
    "log_min_messages = 'warning'",
    '',
  ].join('\n');
}

/**
 * Server connections one app process may hold through PgBouncer in session mode: 10 (its pool)
 * + 10 (hot statements) + 1 (the instance lock) + 1 (the readiness check) + 3 (runs' locks).
 */
const CONNECTIONS_PER_PROCESS = 25;

function pgbouncerIni(o: {
  dir: string;
  port: number;
  serverPort: number;
  pool: 'session' | 'transaction';
  processes: number;
}) {
  return [
    '; Written by scripts/cluster.ts (docs/deploy.md, decision 126)',
    '[databases]',
    `cabinet = host=${HOST} port=${o.serverPort} dbname=cabinet`,
    '',
    '[pgbouncer]',
    `listen_addr = ${HOST}`,
    `listen_port = ${o.port}`,
    `unix_socket_dir = ${o.dir}`,
    'auth_type = trust',
    `auth_file = ${join(o.dir, 'userlist.txt')}`,
    'admin_users = postgres',
    `pool_mode = ${o.pool}`,
    'max_client_conn = 1000',
    `default_pool_size = ${Math.max(60, CONNECTIONS_PER_PROCESS * o.processes)}`,
    'reserve_pool_size = 10',
    '; node-postgres sends no extra parameters; the app may send plan_cache_mode as "options"',
    'ignore_startup_parameters = extra_float_digits,options',
    '; A primary that is away: try again every second, and answer a waiting client within 5 s',
    '; (the app turns that error into 503) instead of holding it for the default 120 s.',
    'server_login_retry = 1',
    'server_connect_timeout = 3',
    'query_wait_timeout = 5',
    'log_connections = 0',
    'log_disconnections = 0',
    `logfile = ${join(o.dir, 'pgbouncer.log')}`,
    `pidfile = ${join(o.dir, 'pgbouncer.pid')}`,
    '',
  ].join('\n');
}

/** HAProxy's configuration in front of app instances on HOST (the city bench uses it too). */
export function haproxyCfg(o: { port: number; apps: number[] }) {
  return [
    '# Written by scripts/cluster.ts (docs/deploy.md)',
    'global',
    '  maxconn 4000',
    '',
    'defaults',
    '  mode http',
    '  option httplog',
    '  option redispatch 1',
    '  retries 3',
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout http-keep-alive 10s',
    '  # A request waits this long in the queue of a full instance (maxconn below), then 503.',
    '  timeout queue 5s',
    '  # A request reaches an instance only once HAProxy has it whole (headers within 10 s, the',
    "  # body buffered): slow senders cannot hold the instances' 32 places.",
    '  timeout http-request 10s',
    '  option http-buffer-request',
    "  # A health check may take this long (without it, the check interval's 1 s): an instance busy",
    '  # with its 32 requests answers late but stays in; one that is gone fails its checks and is',
    '  # out after two of them, or sooner (below).',
    '  timeout check 5s',
    '',
    'frontend cabinet',
    `  bind ${HOST}:${o.port}`,
    '  option forwardfor',
    '  http-request set-header X-Request-Id %[uuid()] unless { req.hdr(x-request-id) -m found }',
    '  default_backend apps',
    '',
    'backend apps',
    '  balance roundrobin',
    '  # Only a connection that was never made is retried, each time on another instance',
    '  # (redispatch 1): a POST is never sent twice.',
    '  retry-on conn-failure',
    '  option httpchk GET /health/ready',
    '  http-check expect status 200',
    '  # At most 32 requests in flight per instance, the rest wait here: an instance flooded at',
    '  # month-end (or left alone when the other is lost) keeps answering its health checks',
    '  # instead of being taken out with its queue. An instance HAProxy fails to connect to 10',
    '  # times in a row (refused or timed out: its process is gone) is out at once, not after two',
    '  # checks: the queued requests it frees places for are no longer sent to it (decision 198).',
    '  default-server check inter 1s fall 2 rise 2 maxconn 32 observe layer4 error-limit 10 on-error mark-down',
    ...o.apps.map((port, i) => `  server app${i + 1} ${HOST}:${port}`),
    '',
  ].join('\n');
}

export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const missing = missingPrograms();
  if (missing.length > 0)
    throw new Error(`The cluster needs what is missing here:\n  - ${missing.join('\n  - ')}`);
  const log = options.log ?? (() => {});
  const dir = resolve(options.dir ?? join(ROOT, '.cluster'));
  const ports: ClusterPorts = { ...DEFAULT_PORTS, ...options.ports };
  const pool = options.pool ?? 'session';
  const appCount = options.apps ?? 2;
  if (existsSync(join(dir, 'state.json'))) await stopCluster(dir);
  const wanted = [ports.primary, ports.standby, ports.pgbouncer, ports.haproxy, ports.worker];
  for (let i = 0; i < appCount; i++) wanted.push(ports.app + i);
  const busy = (await Promise.all(wanted.map(async (p) => ((await portFree(p)) ? null : p)))).filter(Boolean);
  if (busy.length > 0)
    throw new Error(
      `ports in use on ${HOST}: ${busy.join(', ')} (another cluster? choose others with --port-base)`,
    );
  if (options.fresh ?? true) rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  ownByPostgres(dir);
  ownByPostgres(join(dir, 'logs'));
  const primaryData = join(dir, 'primary');
  const standbyData = join(dir, 'standby');
  const state: State = { dir, owner: process.pid, pids: [], pgData: [primaryData, standbyData] };
  const saveState = () => writeFileSync(join(dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
  saveState();

  const dbUrl = (port: number) => `postgres://postgres@${HOST}:${port}/cabinet`;
  const cluster: Cluster = {
    dir,
    ports,
    url: `http://${HOST}:${ports.haproxy}`,
    appUrls: Array.from({ length: appCount }, (_, i) => `http://${HOST}:${ports.app + i}`),
    workerUrl: `http://${HOST}:${ports.worker}`,
    databaseUrl: dbUrl(ports.pgbouncer),
    primaryUrl: dbUrl(ports.primary),
    standbyUrl: dbUrl(ports.standby),
    apps: [],
    worker: undefined,
    killApp,
    startApp,
    stopPrimary,
    promoteStandby,
    stop,
  };

  let pgbouncer: ChildProcess | undefined;
  let haproxy: ChildProcess | undefined;
  const secret = randomBytes(32).toString('base64url');

  const spawnLogged = (name: string, command: string, args: string[], env?: NodeJS.ProcessEnv) => {
    const logFile = join(dir, 'logs', `${name}.log`);
    const fd = openSync(logFile, 'a');
    const child = spawn(command, args, {
      cwd: ROOT,
      env: env ?? process.env,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    if (child.pid) state.pids.push({ name, pid: child.pid });
    saveState();
    return { child, logFile };
  };

  const nodeEnv = (role: 'web' | 'worker', port: number, demo: boolean): NodeJS.ProcessEnv => ({
    ...process.env,
    ROLE: role,
    PORT: String(port),
    HOST,
    DATABASE_URL: cluster.databaseUrl,
    DATABASE_READ_URL: cluster.standbyUrl,
    DATABASE_PREPARED: pool === 'transaction' ? 'no' : 'yes',
    SESSION_SECRET: secret,
    PUBLIC_URL: cluster.url,
    TRUST_PROXY: HOST,
    DATA_DIR: join(dir, 'data'),
    EXCHANGE_DIR: join(dir, 'exchange'),
    DEMO_DATA: demo ? 'yes' : 'no',
    LOG_LEVEL: 'warn',
    ...options.env,
  });

  const startNode = async (name: string, role: 'web' | 'worker', port: number, demo: boolean) => {
    const { child, logFile } = spawnLogged(
      name,
      process.execPath,
      ['--import', 'tsx', 'src/main.ts'],
      nodeEnv(role, port, demo),
    );
    const node: NodeProcess = { name, port, child, log: logFile };
    await until(
      async () => {
        if (child.exitCode !== null)
          throw new Error(
            `${name} exited (${child.exitCode}):\n${readFileSync(logFile, 'utf8').slice(-2000)}`,
          );
        return (await answers(`http://${HOST}:${port}/health/ready`)) === 200;
      },
      120_000,
      `${name} on port ${port} to be ready`,
    );
    return node;
  };

  async function killApp(i: number, signal: NodeJS.Signals = 'SIGKILL') {
    const app = cluster.apps[i];
    const child = app?.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill(signal);
    await exited;
  }

  async function startApp(i: number) {
    cluster.apps[i] = await startNode(`app${i + 1}`, 'web', ports.app + i, false);
  }

  async function stopPrimary() {
    run(pgCommand('pg_ctl', ['-D', primaryData, '-m', 'immediate', 'stop']), 'stopping the primary');
  }

  async function promoteStandby() {
    run(pgCommand('pg_ctl', ['-D', standbyData, '-w', 'promote']), 'promoting the standby');
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      pgbouncerIni({ dir, port: ports.pgbouncer, serverPort: ports.standby, pool, processes: appCount + 1 }),
    );
    pgbouncer?.kill('SIGHUP');
    // PgBouncer keeps server connections it thinks are good; the old primary's are broken and
    // dropped on first use. New ones go to the promoted standby.
  }

  async function stop() {
    for (let i = 0; i < cluster.apps.length; i++) await killApp(i, 'SIGTERM');
    if (cluster.worker?.child && cluster.worker.child.exitCode === null) {
      const exited = new Promise((r) => cluster.worker?.child?.once('exit', r));
      cluster.worker.child.kill('SIGTERM');
      await exited;
    }
    for (const child of [haproxy, pgbouncer])
      if (child && child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
    await stopCluster(dir);
  }

  try {
    log(`initdb ${primaryData}`);
    run(
      pgCommand('initdb', [
        '-D',
        primaryData,
        '-U',
        'postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C.UTF-8',
      ]),
      'initdb',
    );
    writeFileSync(join(primaryData, 'postgresql.auto.conf'), postgresConf(ports.primary, dir));
    ownByPostgres(join(primaryData, 'postgresql.auto.conf'));
    run(
      pgCommand('pg_ctl', ['-D', primaryData, '-l', join(dir, 'logs', 'primary.log'), '-w', 'start']),
      'starting the primary',
    );
    run(
      pgCommand('createdb', ['-h', HOST, '-p', String(ports.primary), '-U', 'postgres', 'cabinet']),
      'createdb',
    );
    log(`pg_basebackup -R ${standbyData}`);
    run(
      pgCommand('pg_basebackup', [
        '-h',
        HOST,
        '-p',
        String(ports.primary),
        '-U',
        'postgres',
        '-D',
        standbyData,
        '-R',
        '-X',
        'stream',
        '-c',
        'fast',
      ]),
      'pg_basebackup',
    );
    // The copy's settings are the primary's; only its port differs.
    writeFileSync(
      join(standbyData, 'postgresql.auto.conf'),
      `${postgresConf(ports.standby, dir)}${readFileSync(join(standbyData, 'postgresql.auto.conf'), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('primary_conninfo'))
        .join('\n')}\n`,
    );
    ownByPostgres(join(standbyData, 'postgresql.auto.conf'));
    run(
      pgCommand('pg_ctl', ['-D', standbyData, '-l', join(dir, 'logs', 'standby.log'), '-w', 'start']),
      'starting the standby',
    );

    writeFileSync(join(dir, 'userlist.txt'), '"postgres" ""\n');
    writeFileSync(
      join(dir, 'pgbouncer.ini'),
      pgbouncerIni({ dir, port: ports.pgbouncer, serverPort: ports.primary, pool, processes: appCount + 1 }),
    );
    for (const f of ['userlist.txt', 'pgbouncer.ini']) ownByPostgres(join(dir, f));
    const pgbouncerBin = which('pgbouncer')!;
    pgbouncer = spawnLogged(
      'pgbouncer',
      pgbouncerBin,
      asRoot() ? ['-u', 'postgres', join(dir, 'pgbouncer.ini')] : [join(dir, 'pgbouncer.ini')],
    ).child;
    await until(
      () => {
        if (pgbouncer?.exitCode !== null)
          throw new Error(`pgbouncer exited: see ${join(dir, 'pgbouncer.log')}`);
        try {
          run(
            pgCommand('pg_isready', ['-h', HOST, '-p', String(ports.pgbouncer), '-d', 'cabinet', '-q']),
            'pg_isready',
          );
          return true;
        } catch {
          return false;
        }
      },
      20_000,
      'PgBouncer',
    );

    // The worker migrates the database (and loads the demo data) before the apps start.
    if (options.worker ?? true) {
      log('worker');
      cluster.worker = await startNode('worker', 'worker', ports.worker, options.demo ?? true);
    } else if (options.demo ?? true) {
      throw new Error('the demo data is loaded by the worker: start it, or pass demo: false');
    }
    log(`${appCount} app instances`);
    for (let i = 0; i < appCount; i++) await startApp(i);

    writeFileSync(
      join(dir, 'haproxy.cfg'),
      haproxyCfg({ port: ports.haproxy, apps: cluster.appUrls.map((_, i) => ports.app + i) }),
    );
    haproxy = spawnLogged('haproxy', which('haproxy')!, ['-f', join(dir, 'haproxy.cfg'), '-db']).child;
    await until(async () => (await answers(`${cluster.url}/health/ready`)) === 200, 20_000, 'HAProxy');
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  return cluster;
}

/** Stops whatever a cluster in `dir` left running (processes by their recorded ids, then PostgreSQL). */
export async function stopCluster(dir: string = join(ROOT, '.cluster')): Promise<void> {
  const file = join(resolve(dir), 'state.json');
  if (!existsSync(file)) return;
  let state = JSON.parse(readFileSync(file, 'utf8')) as State;
  // A cluster started by another process (npm run cluster in another shell): that process stops
  // it in order; what it leaves (it may have been killed) is stopped below.
  if (state.owner && state.owner !== process.pid && alive(state.owner) && started(state.owner, 'cluster')) {
    process.kill(state.owner, 'SIGTERM');
    for (let i = 0; i < 300 && alive(state.owner) && existsSync(file); i++) await sleep(200);
    if (!existsSync(file)) return;
    state = JSON.parse(readFileSync(file, 'utf8')) as State;
  }
  // Only processes that are still this cluster's (a recorded id may since belong to another).
  const pids = state.pids.map(({ pid }) => pid).filter((pid) => alive(pid) && started(pid, state.dir));
  for (const pid of pids.reverse()) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // Gone already.
    }
  }
  for (let i = 0; i < 50 && pids.some(alive); i++) await sleep(200);
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const data of state.pgData)
    if (existsSync(join(data, 'postmaster.pid'))) {
      try {
        run(pgCommand('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']), `stopping ${data}`);
      } catch {
        // Not running (a stale pid file).
      }
    }
  rmSync(file, { force: true });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, HOST, () => server.close(() => done(true)));
  });
}

/** Whether process `pid`'s command line or environment names `mark` (its data folder, its script). */
function started(pid: number, mark: string): boolean {
  for (const part of ['cmdline', 'environ']) {
    try {
      if (readFileSync(`/proc/${pid}/${part}`, 'utf8').includes(mark)) return true;
    } catch {
      // Not readable (another user's, or gone).
    }
  }
  return false;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function describe(c: Cluster): string {
  return [
    '',
    `Cabinet (HAProxy):        ${c.url}`,
    ...c.appUrls.map((u, i) => `App instance ${i + 1}:         ${u}  (ROLE=web)`),
    ...(c.worker ? [`Worker (health, metrics): ${c.workerUrl}/health/ready  (ROLE=worker)`] : []),
    `PgBouncer -> primary:     ${c.databaseUrl}`,
    `PostgreSQL primary:       ${c.primaryUrl}`,
    `PostgreSQL standby:       ${c.standbyUrl}  (hot standby, DATABASE_READ_URL)`,
    `Logs and data:            ${c.dir}`,
    '',
    'Ctrl-C (or `npm run cluster -- stop` from another shell) stops everything.',
  ].join('\n');
}

function parseArgs(argv: string[]) {
  const args = {
    command: 'start',
    apps: 2,
    pool: 'session' as 'session' | 'transaction',
    dir: undefined as string | undefined,
    base: undefined as number | undefined,
    demo: true,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === 'stop' || a === 'start') args.command = a;
    else if (a === '--apps') args.apps = Number(value());
    else if (a === '--pool') args.pool = value() as 'session' | 'transaction';
    else if (a === '--dir') args.dir = value();
    else if (a === '--port-base') args.base = Number(value());
    else if (a === '--no-demo') args.demo = false;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(args.apps) || args.apps < 1 || args.apps > 20) throw new Error('--apps: 1 to 20');
  if (args.pool !== 'session' && args.pool !== 'transaction')
    throw new Error('--pool: session or transaction');
  return args;
}

async function cli() {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(
      `${(error as Error).message}\nUsage: npm run cluster [-- --apps N --pool session|transaction --dir D --port-base P --no-demo] | npm run cluster -- stop [--dir D]`,
    );
    process.exit(2);
  }
  if (args.command === 'stop') {
    await stopCluster(args.dir);
    console.log('Cluster stopped.');
    return;
  }
  const missing = missingPrograms();
  if (missing.length > 0) {
    console.error(`Cannot start the cluster; missing here:\n  - ${missing.join('\n  - ')}`);
    process.exit(1);
  }
  const cluster = await startCluster({
    apps: args.apps,
    pool: args.pool,
    demo: args.demo,
    ...(args.dir ? { dir: args.dir } : {}),
    ...(args.base ? { ports: portsFrom(args.base) } : {}),
    log: (line) => console.log(`.. ${line}`),
  });
  console.log(describe(cluster));
  let stopping = false;
  const onSignal = () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping the cluster...');
    cluster.stop().then(
      () => {
        console.log('Cluster stopped.');
        process.exit(0);
      },
      (error: Error) => {
        console.error(error.message);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  cli().catch((error: unknown) => {
    console.error(`Cluster failed: ${(error as Error).message}`);
    process.exit(1);
  });
}
