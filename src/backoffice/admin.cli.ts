import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { openDatabaseOrExit } from '../db/database';
import { migrateToLatest } from '../db/migrate';
import { createStaffUser, generatePassword, resetStaffTotp, StaffUserError } from './staff-users.service';

const USAGE = `Usage:
  npm run admin -- create-user --login LOGIN --role operator|admin --email EMAIL [--locale kk|ru|en] [--password-stdin]
      The password is read from ADMIN_PASSWORD, or from standard input with --password-stdin;
      otherwise one is generated and printed once.
  npm run admin -- reset-totp --login LOGIN
      Clears an administrator's authenticator secret; the next login enrols a new one.`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const [command, ...rest] = process.argv.slice(2);
const { values } = parseArgs({
  args: rest,
  options: {
    login: { type: 'string' },
    role: { type: 'string' },
    email: { type: 'string' },
    locale: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  },
  strict: false,
});

if (command !== 'create-user' && command !== 'reset-totp') {
  console.error(USAGE);
  process.exit(2);
}
const config = loadConfig();
const handle = await openDatabaseOrExit(config);
try {
  await migrateToLatest(handle.db);
  const login = typeof values.login === 'string' ? values.login : '';
  if (command === 'reset-totp') {
    await resetStaffTotp(handle.db, login);
    console.log(`The authenticator of ${login} is cleared; the next login enrols a new one.`);
  } else {
    const role = values.role;
    if (role !== 'operator' && role !== 'admin') throw new StaffUserError('--role must be operator or admin');
    const locale =
      values.locale === 'kk' || values.locale === 'en' || values.locale === 'ru' ? values.locale : 'ru';
    let password = process.env.ADMIN_PASSWORD ?? '';
    let generated = false;
    if (values['password-stdin']) password = await readStdin();
    if (!password) {
      password = generatePassword();
      generated = true;
    }
    await createStaffUser(handle.db, {
      login,
      role,
      email: typeof values.email === 'string' ? values.email : '',
      password,
      locale,
    });
    console.log(`Created ${role} ${login.toLowerCase()}.`);
    if (generated) console.log(`Password (shown once): ${password}`);
    if (role === 'admin')
      console.log('At the first login the administrator enrols an authenticator app (TOTP).');
  }
} catch (error) {
  console.error(error instanceof StaffUserError ? `Error: ${error.message}` : (error as Error).message);
  if (!(error instanceof StaffUserError)) console.error(USAGE);
  process.exitCode = 1;
} finally {
  await handle.close();
}
