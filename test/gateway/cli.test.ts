import { EventName } from '@stoqey/ib';
import { Command } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { gatewayOptionsFrom, registerGatewayCommand, type GatewayFlags } from '../../src/cli/gateway-command.js';
import { runGateway } from '../../src/cli/gateway-run.js';
import { connect, waitFor } from './harness.js';

const DEFAULTS: GatewayFlags = {
  port: '7497',
  host: '127.0.0.1',
  speed: '1',
  seed: '42',
  account: 'DU1234567',
  accountType: 'margin',
  initialCash: '100000',
  settlementDays: '1',
  commission: 'ib-fixed',
  slippageBps: '1',
  participation: '0.25',
  minVersion: '157',
  maxVersion: '193',
  skipClosed: true,
  logLevel: 'info',
};

describe('ets gateway', () => {
  it('documents its flags', () => {
    const program = new Command('ets').exitOverride();
    registerGatewayCommand(program);
    const help = program.commands.find((c) => c.name() === 'gateway')!.helpInformation();
    for (const flag of [
      '--port',
      '--data-dir',
      '--speed',
      '--start',
      '--seed',
      '--state',
      '--chaos',
      '--max-version',
    ]) {
      expect(help).toContain(flag);
    }
  });

  it('turns flags into gateway options and refuses bad values naming the flag', () => {
    expect(
      gatewayOptionsFrom({
        ...DEFAULTS,
        port: '4002',
        speed: '100',
        dataDir: 'data',
        symbols: 'aapl, msft',
        start: '2021-03-01',
        state: 's.json',
        chaos: 'drop@30s',
      }),
    ).toMatchObject({
      port: 4002,
      speed: 100,
      dataDir: 'data',
      symbols: ['AAPL', 'MSFT'],
      start: '2021-03-01',
      stateFile: 's.json',
      chaos: 'drop@30s',
      accountType: 'margin',
      commission: 'ib-fixed',
      maxParticipation: 0.25,
    });
    expect(() => gatewayOptionsFrom({ ...DEFAULTS, speed: '6000' })).toThrow(
      '--speed 6000: expected a replay speed from 1 to 5000',
    );
    expect(() => gatewayOptionsFrom({ ...DEFAULTS, port: '70000' })).toThrow(/^--port 70000/);
    expect(() => gatewayOptionsFrom({ ...DEFAULTS, accountType: 'ira' })).toThrow(/^--account-type ira/);
    expect(() => gatewayOptionsFrom({ ...DEFAULTS, commission: 'free' })).toThrow(/^--commission free/);
    expect(() => gatewayOptionsFrom({ ...DEFAULTS, initialCash: '1e13' })).toThrow(
      '--initial-cash 1e13: expected a positive amount up to 1000000000000',
    );
    expect(() => gatewayOptionsFrom({ ...DEFAULTS, symbols: 'AAPL,,MSFT' })).toThrow(
      '--symbols: "AAPL,,MSFT" has an empty symbol; expected symbols separated by single commas',
    );
    expect(() => gatewayOptionsFrom({ ...DEFAULTS, symbols: '../x' })).toThrow(
      /^--symbols: got "\.\.\/x"; expected a symbol/,
    );
    expect(gatewayOptionsFrom({ ...DEFAULTS, symbols: 'aapl, brk.b,AAPL' }).symbols).toEqual(['AAPL', 'BRK.B']);
    expect(() => gatewayOptionsFrom({ ...DEFAULTS, chaos: 'boom@1s' })).toThrow(/^--chaos: unknown fault "boom"/);
  });

  it('runs a gateway that TWS API clients can use until told to stop', async () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    let stop: (reason: string) => void = () => undefined;
    const until = new Promise<string>((resolve) => {
      stop = resolve;
    });
    try {
      const running = runGateway(
        { ...gatewayOptionsFrom({ ...DEFAULTS, port: '0', symbols: 'AAPL', start: '2021-03-01 09:30' }) },
        'silent',
        until,
      );
      await vi.waitFor(() => {
        expect(lines.join('')).toMatch(/listening on/);
      });
      const port = Number(/127\.0\.0\.1:(\d+)/.exec(lines.join(''))![1]);
      expect(lines.join('')).toMatch(/replay from 20210301 09:30:00 US\/Eastern at 1x/);
      const client = await connect(port, 5);
      const time = waitFor(client.api, EventName.currentTime);
      client.api.reqCurrentTime();
      await time;
      await client.disconnect();
      stop('test done');
      await running;
    } finally {
      write.mockRestore();
    }
  });
});
