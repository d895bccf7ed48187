// @ts-check
// The command launcher: a small process the worker starts once and asks to spawn its commands, so that the
// worker itself never forks (see launcher.ts). It is plain JavaScript so that it starts without a loader and
// stays small: fork() costs in proportion to the memory of the process that calls it.
//
// It starts with an empty environment (the worker's database URL and keys never reach it); each command's
// environment comes with its request. It exits as soon as its channel to the worker closes, and with it go
// the lifelines it holds (fd 3 of each command), so the commands' watchdogs kill their groups: a worker
// killed with SIGKILL leaves nothing running, as when it spawned the commands itself.
//
// Requests (IPC, advanced serialization):
//   { type: 'spawn', id, file, args, cwd?, env, uid?, gid?, detached?, piped }
//   { type: 'release', id }            the worker is done with a piped command: close what is left open
// Answers, in the order they happen for each id:
//   { type: 'spawned', id, pid } | { type: 'failed', id, message, code }
//   { type: 'output', id, fd: 1 | 2, chunk }   (piped only)
//   { type: 'closed', id, fd: 1 | 2 }          (piped only) that output ended
//   { type: 'exited', id, code, signal }
import { spawn } from 'node:child_process';
import process from 'node:process';

/** Output chunks sent and not yet written to the channel, per stream, before the stream is paused. */
const highWater = 16;

/** @type {Map<number, { stdio: Array<import('node:stream').Readable | import('node:stream').Writable | null> }>} */
const piped = new Map();

/** @param {object} message @param {() => void} [written] */
function answer(message, written) {
  if (!process.connected) return;
  process.send?.(message, undefined, {}, () => written?.());
}

/** Sends a stream's chunks as they come, pausing it while too many wait for the channel. */
function forward(id, fd, stream) {
  let unsent = 0;
  stream.on('data', (chunk) => {
    unsent += 1;
    if (unsent >= highWater) stream.pause();
    answer({ type: 'output', id, fd, chunk }, () => {
      unsent -= 1;
      if (unsent < highWater && stream.isPaused()) stream.resume();
    });
  });
  stream.once('close', () => answer({ type: 'closed', id, fd }));
}

function launch(request) {
  const { id, file, args, cwd, env, uid, gid, detached } = request;
  let child;
  try {
    child = spawn(file, args, {
      cwd,
      env,
      uid,
      gid,
      detached,
      stdio: request.piped ? ['ignore', 'pipe', 'pipe', 'pipe'] : 'ignore',
    });
  } catch (error) {
    answer({ type: 'failed', id, message: error.message, code: error.code });
    return;
  }
  if (child.pid === undefined) {
    child.once('error', (error) => answer({ type: 'failed', id, message: error.message, code: error.code }));
    return;
  }
  answer({ type: 'spawned', id, pid: child.pid });
  child.on('error', () => undefined); // it started: what matters from here on is how it exits
  if (request.piped) {
    piped.set(id, { stdio: child.stdio });
    child.stdio[3]?.on('error', () => undefined); // the lifeline: only its end matters, to the watchdog
    forward(id, 1, child.stdout);
    forward(id, 2, child.stderr);
  }
  child.once('exit', (code, signal) => answer({ type: 'exited', id, code, signal }));
}

function release(id) {
  for (const stream of piped.get(id)?.stdio ?? []) stream?.destroy();
  piped.delete(id);
}

process.on('message', (request) => {
  if (request.type === 'spawn') launch(request);
  else if (request.type === 'release') release(request.id);
});
process.on('disconnect', () => process.exit(0));
// It shares the worker's process group: a Ctrl-C or a supervisor's SIGTERM to the group is for the worker,
// which drains its commands in its own time (its shutdown grace) and then closes this channel.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => undefined);
