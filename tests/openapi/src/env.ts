// What the round trips take from their caller: each server's base URL and credential.

/** The value of the environment variable `name`; throws when it is unset or empty. */
export function env(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === "") {
    throw new Error(`${name} is not set: the round trips need every mock server's URL and credential`);
  }
  return value;
}

/** An `Authorization: Basic` value for `user:password`. */
export function basic(userAndPassword: string): string {
  return `Basic ${Buffer.from(userAndPassword, "utf8").toString("base64")}`;
}

/** A short, printable form of an error body for assertion messages. */
export function show(body: unknown): string {
  return body === undefined ? "(no body)" : JSON.stringify(body);
}
