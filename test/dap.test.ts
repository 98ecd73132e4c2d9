// The debugger side of the extension over the Debug Adapter Protocol: lldb-dap-19 driven from
// this process with the helpers added by the extension's configuration code, and "Decode as
// Vale Reference" reading bytes through evaluate (lldb-dap) or readMemory (a fake adapter).
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, test } from 'node:test';
import { withHelpers, helpersNotice, HELPED_TYPES } from '../client/debug-config';
import { DebugReadError, debugItemOf, readReferenceBytes, referenceText, wordsExpression } from '../client/debug-read';
import { FIELD_NAMES, decodeUniversalReference, parseUniversalReference } from '../shared/ursl';
import { BACKEND_PROFILE } from '../shared/ursl/profile';
import { DapClient, serveDap } from './support/dap';
import { buildProgram, expected } from './support/debug-program';
import { haveTools } from './support/tools';

const PATHS = { gdb: '/opt/h/vale_ffi_gdb.py', lldb: '/opt/h dir/vale_ffi_lldb.py' };

describe('debug configurations', () => {
  test('cppdbg gets pretty-printing and the gdb helper in setupCommands; lldb and lldb-dap the lldb helper in initCommands; nothing twice', () => {
    const cpp = withHelpers('cppdbg', { type: 'cppdbg', program: 'a.out', setupCommands: [{ text: 'set print pretty on' }] }, PATHS);
    assert.deepEqual(cpp?.setupCommands, [
      { text: 'set print pretty on' },
      { description: 'Enable pretty-printing for gdb', text: '-enable-pretty-printing', ignoreFailures: true },
      { description: 'Vale FFI: decode universal references', text: 'source "/opt/h/vale_ffi_gdb.py"', ignoreFailures: true },
    ]);
    assert.equal(cpp?.program, 'a.out');
    assert.equal(withHelpers('cppdbg', cpp!, PATHS), undefined, 'a configuration resolved twice is left alone');
    assert.equal(withHelpers('cppdbg', { type: 'cppdbg', MIMode: 'lldb' }, PATHS), undefined, 'cppdbg over lldb-mi takes no gdb script');
    const already = withHelpers('cppdbg', { setupCommands: [{ text: '-enable-pretty-printing' }] }, PATHS);
    assert.equal(already?.setupCommands && (already.setupCommands as unknown[]).length, 2, 'pretty-printing is not enabled twice');
    for (const type of ['lldb', 'lldb-dap']) {
      const c = withHelpers(type, { type, initCommands: ['settings set x y'] }, PATHS);
      assert.deepEqual(c?.initCommands, ['settings set x y', 'command script import "/opt/h dir/vale_ffi_lldb.py"']);
      assert.equal(withHelpers(type, c!, PATHS), undefined);
    }
    assert.equal(withHelpers('node', { type: 'node' }, PATHS), undefined);
    assert.deepEqual([...HELPED_TYPES], ['cppdbg', 'lldb', 'lldb-dap']);
    assert.match(helpersNotice('cppdbg', PATHS), /vale_ffi_gdb\.py .*valeFfi\.debug\.helpers/);
    assert.match(helpersNotice('lldb-dap', PATHS), /vale_ffi_lldb\.py/);
  });

  test('the context-menu arguments of the Variables and Watch views', () => {
    assert.deepEqual(
      debugItemOf({
        sessionId: 's',
        container: { name: 'Locals' },
        variable: { name: 'r', evaluateName: 'r', value: '…', variablesReference: 3, type: 'vtest_SpaceshipRef' },
      }),
      { name: 'r', expression: 'r', memoryReference: undefined, type: 'vtest_SpaceshipRef' },
    );
    assert.deepEqual(debugItemOf({ name: 'ships[2]', value: '…', reference: 4 }), {
      name: 'ships[2]',
      expression: 'ships[2]',
      memoryReference: undefined,
      type: undefined,
    });
    assert.equal(
      debugItemOf({ sessionId: 's', variable: { name: 'x', value: '1' } })?.expression,
      undefined,
      'a variable without evaluateName',
    );
    assert.equal(debugItemOf(undefined), undefined);
    assert.equal(debugItemOf('r'), undefined);
    assert.equal(wordsExpression({ name: 'r', expression: 'r' }), '*(unsigned long long (*)[4])&(r)');
    assert.equal(wordsExpression({ name: 'p', expression: 'p', type: 'vtest_SpaceshipRef *' }), '*(unsigned long long (*)[4])(p)');
  });
});

describe('Decode as Vale Reference against a fake adapter that offers readMemory', () => {
  const bytes = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
  function fake(readMemory: 'answers' | 'short' | 'silent'): {
    request: (c: string, a: Record<string, unknown>) => Promise<unknown>;
    seen: string[];
  } {
    const toAdapter = new PassThrough();
    const fromAdapter = new PassThrough();
    const seen: string[] = [];
    serveDap(toAdapter, fromAdapter, (command, args) => {
      seen.push(command);
      if (command === 'initialize') return { supportsReadMemoryRequest: true };
      if (command === 'readMemory') {
        if (readMemory === 'silent') return undefined;
        assert.equal(args.memoryReference, '0x7ffe0010');
        assert.equal(args.count, 32);
        const data = Buffer.from(readMemory === 'short' ? bytes.subarray(0, 8) : bytes).toString('base64');
        return { address: '0x7ffe0010', data, ...(readMemory === 'short' ? { unreadableBytes: 24 } : {}) };
      }
      if (command === 'evaluate') {
        assert.equal(args.expression, '*(unsigned long long (*)[4])&(r)');
        assert.equal(args.frameId, 7);
        return { result: '{...}', variablesReference: 9 };
      }
      if (command === 'variables') {
        const view = new DataView(bytes.buffer);
        return {
          variables: [0, 1, 2, 3].map((i) => ({ name: `[${i}]`, value: String(view.getBigUint64(8 * i, true)), variablesReference: 0 })),
        };
      }
      return new Error(`unexpected ${command}`);
    });
    const client = new DapClient(fromAdapter, toAdapter);
    return { request: (c, a) => client.request(c, a), seen };
  }
  const item = { name: 'r', expression: 'r', memoryReference: '0x7ffe0010' };

  test('readMemory is used where the adapter offers it and the variable has a memory reference', async () => {
    const { request, seen } = fake('answers');
    const caps = (await request('initialize', { adapterID: 'fake' })) as { supportsReadMemoryRequest?: boolean };
    const read = await readReferenceBytes(request, item, { supportsReadMemory: caps.supportsReadMemoryRequest === true, frameId: 7 });
    assert.equal(read.via, 'readMemory');
    assert.deepEqual(read.bytes, bytes);
    assert.deepEqual(seen, ['initialize', 'readMemory']);
    // What the command hands to the decoder is the same reference.
    assert.deepEqual(parseUniversalReference(referenceText(read.bytes))?.bytes, bytes);
  });

  test('unreadable bytes, or no answer, fall back to evaluate and say why', async () => {
    const short = fake('short');
    const a = await readReferenceBytes(short.request, item, { supportsReadMemory: true, frameId: 7 });
    assert.equal(a.via, 'evaluate');
    assert.deepEqual(a.bytes, bytes);
    assert.match(a.note ?? '', /gave 8 of 32 bytes \(24 unreadable\)/);
    const silent = fake('silent');
    const b = await readReferenceBytes(silent.request, item, { supportsReadMemory: true, frameId: 7, timeoutMs: 200 });
    assert.equal(b.via, 'evaluate');
    assert.match(b.note ?? '', /readMemory got no answer within 200 ms/);
    assert.deepEqual(silent.seen, ['readMemory', 'evaluate', 'variables']);
  });

  test('without readMemory and without an expression: a clear error', async () => {
    const { request } = fake('answers');
    await assert.rejects(
      readReferenceBytes(request, { name: 'x' }, { supportsReadMemory: false }),
      (e: Error) =>
        e instanceof DebugReadError &&
        /x has no expression .* \(and readMemory: the debug adapter does not offer readMemory\)/.test(e.message),
    );
  });
});

describe('lldb-dap-19 with the helpers', () => {
  test('initialize, launch with the helpers in initCommands, stop in the extern, variables and evaluate show the decoded reference; Decode reads it through evaluate', async (t) => {
    if (!haveTools(t, 'c') || !haveTools(t, 'lldb')) return;
    const p = buildProgram(BACKEND_PROFILE, 4);
    const adapter = spawn('lldb-dap-19', [], { cwd: p.dir, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    adapter.stderr.on('data', (d) => {
      stderr += d;
    });
    const dap = new DapClient(adapter.stdout, adapter.stdin);
    try {
      const caps = await dap.request('initialize', {
        adapterID: 'lldb-dap',
        clientID: 'vale-ffi-test',
        linesStartAt1: true,
        columnsStartAt1: true,
        pathFormat: 'path',
      });
      // The adapter these machines have: no readMemory (the command falls back to evaluate).
      assert.notEqual(caps.supportsReadMemoryRequest, true);
      const paths = { gdb: join(p.helpers, 'vale_ffi_gdb.py'), lldb: join(p.helpers, 'vale_ffi_lldb.py') };
      const config = withHelpers('lldb-dap', { type: 'lldb-dap', request: 'launch', program: join(p.dir, 'prog'), cwd: p.dir }, paths);
      assert.ok(config);
      const launched = dap.request('launch', config);
      await dap.event('initialized');
      const bp = await dap.request('setFunctionBreakpoints', { breakpoints: [{ name: 'stop_here' }] });
      assert.equal((bp.breakpoints as { verified: boolean }[])[0].verified, true);
      await dap.request('configurationDone');
      await launched;
      const stopped = await dap.event('stopped');
      const threadId = stopped.body?.threadId as number;
      const frames = (await dap.request('stackTrace', { threadId, levels: 1 })).stackFrames as { id: number; name: string }[];
      assert.match(frames[0].name, /stop_here/);
      const frameId = frames[0].id;
      const scopes = (await dap.request('scopes', { frameId })).scopes as { name: string; variablesReference: number }[];
      const locals = scopes.find((s) => /local/i.test(s.name));
      assert.ok(locals, JSON.stringify(scopes));
      const vars = (await dap.request('variables', { variablesReference: locals.variablesReference })).variables as {
        name: string;
        value: string;
        evaluateName?: string;
        variablesReference: number;
        type?: string;
      }[];
      const r = vars.find((v) => v.name === 'r');
      assert.ok(r, JSON.stringify(vars));
      // The Variables view's line: the helper's summary.
      const first = decodeUniversalReference(p.refs[0], BACKEND_PROFILE).fields;
      assert.match(r.value, new RegExp(`^vtest_Spaceship (null|@ 0x${first.objectPointer.toString(16)}) gen ${first.objectGeneration}`));
      // Expanded: the seven fields with the codec's values.
      const children = (await dap.request('variables', { variablesReference: r.variablesReference })).variables as {
        name: string;
        value: string;
      }[];
      assert.deepEqual(
        children.map((c) => c.name),
        [...FIELD_NAMES],
      );
      const want = expected(p.refs[0], BACKEND_PROFILE);
      for (const c of children) assert.equal(BigInt(c.value), BigInt(want[c.name as keyof typeof want]), c.name);
      // Watch and debug hovers: evaluate shows the same summary.
      const evaluated = await dap.request('evaluate', { expression: 'r', frameId, context: 'watch' });
      assert.equal(evaluated.result, r.value);
      // Decode as Vale Reference, from the Variables view's argument: through evaluate.
      const item = debugItemOf({ sessionId: 'x', container: locals, variable: r });
      assert.ok(item);
      const read = await readReferenceBytes((c, a) => dap.request(c, a), item, {
        supportsReadMemory: caps.supportsReadMemoryRequest === true,
        frameId,
      });
      assert.equal(read.via, 'evaluate');
      assert.deepEqual(read.bytes, p.refs[0]);
      // And from the Watch view's argument (the expression itself).
      const watched = await readReferenceBytes((c, a) => dap.request(c, a), debugItemOf({ name: 'r' })!, {
        supportsReadMemory: false,
        frameId,
      });
      assert.deepEqual(watched.bytes, p.refs[0]);
      await dap.request('disconnect', { terminateDebuggee: true });
    } catch (e) {
      throw new Error(`${(e as Error).message}\nDAP log:\n${dap.log.slice(-30).join('\n')}\nstderr: ${stderr}`);
    } finally {
      if (adapter.exitCode === null) {
        const exited = new Promise((resolve) => adapter.once('exit', resolve));
        const timer = setTimeout(() => adapter.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
    }
    // No debugger process is left behind.
    const left = spawnSync('pgrep', ['-f', join(p.dir, 'prog')], { encoding: 'utf8' }).stdout.trim();
    assert.equal(left, '', `processes left running: ${left}`);
    const servers = spawnSync('pgrep', ['-a', 'lldb-server'], { encoding: 'utf8' }).stdout.trim();
    assert.equal(servers, '', `lldb-server left running: ${servers}`);
  });
});
