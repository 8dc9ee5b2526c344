import { type Kysely, sql } from 'kysely';

/**
 * Finds at once whether any password hash made at parameters older than the current ones
 * (argon2id 19 MiB, 2 passes, 1 lane; decision 190) is still stored: while one is, a refused
 * sign-in checks against both kinds of parameters, so its time does not tell which logins exist.
 * The predicate is the one `olderPasswordHashesStored` asks (src/auth/users.queries.ts).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
create index users_older_password_hash on users (id)
  where password_hash like '$argon2%' and password_hash not like '$argon2id$v=19$m=19456,p=1,t=2$%';
`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index users_older_password_hash;`.execute(db);
}
