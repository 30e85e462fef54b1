// Progress lines for a long benchmark run, on stderr so stdout stays a clean table or JSON; dimmed
// only when stderr is a terminal and NO_COLOR is unset.

const color = process.stderr.isTTY === true && !process.env.NO_COLOR;

export function progress(message: string): void {
  process.stderr.write(color ? `\x1b[2m${message}\x1b[0m\n` : `${message}\n`);
}

export function warn(message: string): void {
  process.stderr.write(color ? `\x1b[33m${message}\x1b[0m\n` : `${message}\n`);
}
