import { ApplicationFailure } from '@temporalio/common';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * What a command may hand to later actions through $LOCKSTEP_OUTPUT. Outputs become environment variables
 * of every later command of the run, production deploys holding production secrets included: an output
 * must not be able to change how those processes run (which programs and libraries they load, which
 * configuration, proxy or certificate authorities they trust), and outputs must stay small enough for an
 * environment (a variable over 128 KiB fails a spawn with E2BIG) and for Temporal's history.
 */

export const outputLimits = {
  /** One value, in bytes. */
  valueBytes: 64 * 1024,
  /** Outputs of one action. */
  count: 100,
  /** Keys and values of one action, in bytes. */
  totalBytes: 256 * 1024,
  /** Everything a run hands to its later actions (earlier outputs and the action's env, with these). */
  runBytes: 1024 * 1024,
  /** The $LOCKSTEP_OUTPUT file itself (comments and blank lines included). */
  fileBytes: 512 * 1024,
} as const;

/** Names read by the dynamic loader, libc, shells, interpreters and common tools: compared in upper case. */
// prettier-ignore
const refusedNames = new Set([
  'PATH', 'HOME', 'SHELL', 'ENV', 'BASH_ENV', 'IFS', 'CDPATH', 'PS1', 'PS2', 'PS3', 'PS4',
  'PROMPT_COMMAND', 'SHELLOPTS', 'BASHOPTS', 'GLOBIGNORE', 'ZDOTDIR', 'TMPDIR', 'USER', 'LOGNAME',
  'GCONV_PATH', 'GLIBC_TUNABLES', 'LOCPATH', 'NLSPATH', 'HOSTALIASES', 'LOCALDOMAIN', 'RES_OPTIONS',
  'RESOLV_HOST_CONF', 'TZDIR', 'EDITOR', 'VISUAL', 'PAGER', 'MANPAGER', 'BROWSER', 'CLASSPATH',
  'HTTP_PROXY', 'HTTPS_PROXY', 'ALL_PROXY', 'NO_PROXY', 'FTP_PROXY', 'CURL_CA_BUNDLE',
  'REQUESTS_CA_BUNDLE', 'WGETRC', 'CURL_HOME', 'KUBECONFIG', 'SUDO_ASKPASS', 'PERLLIB',
  'DOCKER_HOST', 'DOCKER_CONFIG', 'DOCKER_CERT_PATH', 'DOCKER_TLS_VERIFY', 'DOCKER_CONTEXT',
  'GOPROXY', 'GOFLAGS', 'GOSUMDB', 'GONOSUMDB', 'GONOSUMCHECK', 'GOINSECURE', 'GOPRIVATE', 'GONOPROXY',
  'GOTOOLCHAIN', 'RUSTC_WRAPPER', 'RUSTFLAGS', 'MAKEFLAGS',
]);

/** Prefixes of such names: loaders, runtimes and package managers, version control, TLS, SSH, ours. */
// prettier-ignore
const refusedPrefixes = [
  'LD_', 'DYLD_', 'BASH_', 'MALLOC_', 'GIT_', 'SSH_', 'SSL_', 'NODE_', 'NPM_CONFIG_', 'YARN_',
  'PYTHON', 'PIP_', 'PERL5', 'PERL_', 'RUBY', 'GEM_', 'BUNDLE_', 'JAVA_', '_JAVA_', 'JDK_', 'MAVEN_',
  'GRADLE_', 'CARGO_', 'RUSTUP_', 'XDG_', 'LOCKSTEP_',
];

/** Why an output key is refused, or null when it may be used. */
export function refusedOutputKey(key: string): string | null {
  const name = key.toUpperCase();
  if (name.startsWith('LOCKSTEP_')) return 'LOCKSTEP_ names are reserved for what Lockstep sets';
  if (refusedNames.has(name) || refusedPrefixes.some((prefix) => name.startsWith(prefix)))
    return 'it could change how later commands run (what they load, their configuration or what they trust)';
  return null;
}

const refuse = (message: string) => ApplicationFailure.nonRetryable(message, 'InvalidOutput');
const bytes = (text: string) => Buffer.byteLength(text);
const size = (env: Record<string, string>) =>
  Object.entries(env).reduce((sum, [key, value]) => sum + bytes(key) + bytes(value) + 2, 0);

/**
 * Fails the action (not retryable: the command would write the same again) when its outputs break the
 * rules above. Messages name keys and sizes, never values: a value may hold a secret. `handedDown` is the
 * environment the run already passes to this action (earlier outputs and the action's own env).
 */
export function checkOutputs(outputs: Record<string, string>, handedDown: Record<string, string> = {}): void {
  const entries = Object.entries(outputs);
  for (const [key, value] of entries) {
    const why = refusedOutputKey(key);
    if (why) throw refuse(`output ${key} is refused: ${why}; choose another name`);
    if (bytes(value) > outputLimits.valueBytes)
      throw refuse(`output ${key} is ${bytes(value)} bytes, over the limit of ${outputLimits.valueBytes}`);
    if (value.includes('\0')) throw refuse(`output ${key} holds a NUL character, which no environment can`);
  }
  if (entries.length > outputLimits.count)
    throw refuse(`${entries.length} outputs, over the limit of ${outputLimits.count}`);
  const total = size(outputs);
  if (total > outputLimits.totalBytes)
    throw refuse(`outputs take ${total} bytes in all, over the limit of ${outputLimits.totalBytes}`);
  const run = size({ ...handedDown, ...outputs });
  if (run > outputLimits.runBytes) {
    throw refuse(
      `with these outputs the run would hand ${run} bytes to its later actions, over the limit of ${outputLimits.runBytes}`,
    );
  }
}

/**
 * The text of a file a command wrote for the worker (`variable` names it in errors): a regular file (not a
 * link to one the command may not read, not a pipe that never ends), refused unread over `limitBytes`.
 * Read with synchronous calls, like the workspace is made (command-sandbox.ts): a local file of a few bytes
 * (most are empty) costs microseconds that way, and four round trips through libuv's thread pool otherwise;
 * the largest allowed is read in well under a millisecond.
 */
export async function readCommandFile(file: string, variable: string, limitBytes: number): Promise<string> {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return '';
    if (code === 'ELOOP') throw refuse(`${variable} must be a regular file, not a symbolic link`);
    throw error;
  }
  try {
    const stat = fstatSync(fd);
    if (!stat.isFile()) throw refuse(`${variable} must be a regular file`);
    if (stat.size > limitBytes)
      throw refuse(`${variable} is ${stat.size} bytes, over the limit of ${limitBytes}`);
    const read = (bytes: number) => {
      const buffer = Buffer.alloc(bytes);
      return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0));
    };
    // A buffer the file's size, not the limit's. One byte more shows a file that grew since (a process the
    // command left behind): that one is read again.
    let text = read(Math.min(stat.size, limitBytes) + 1);
    if (text.length > stat.size) text = read(limitBytes + 1);
    if (text.length > limitBytes) throw refuse(`${variable} is over the limit of ${limitBytes} bytes`);
    return text.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The $LOCKSTEP_OUTPUT file's text (see readCommandFile). */
export function readOutputFile(file: string): Promise<string> {
  return readCommandFile(file, '$LOCKSTEP_OUTPUT', outputLimits.fileBytes);
}
