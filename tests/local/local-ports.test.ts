import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { LocalConfigError } from '../../local/config-error.js';
import { LOCAL_SERVICE_PORTS, localConfig, portTaken } from '../../local/config.js';
import { closeServer, listen } from '../../local/net.js';
import { startSnsEmulator } from '../../local/emulators/sns.js';

describe('local ports', () => {
  it('puts every emulator and simulator on PORT+1…+9 by default, the same at every start', () => {
    expect(localConfig({}).ports).toEqual({
      emailViewer: 3001,
      sms: 3002,
      carrier: 3003,
      orderPlatform: 3004,
      sns: 3005,
      dynamodb: 3006,
      sqs: 3007,
      stepFunctions: 3008,
      sesApi: 3009,
    });
    const moved = localConfig({ PORT: '4300' }).ports;
    expect(Object.values(moved).sort()).toEqual([4301, 4302, 4303, 4304, 4305, 4306, 4307, 4308, 4309]);
  });

  it('takes each one from its own variable when set', () => {
    const ports = localConfig({ PORT: '4300', LOCAL_EMAIL_PORT: '8025', LOCAL_DYNAMODB_PORT: '8000' }).ports;
    expect(ports).toMatchObject({ emailViewer: 8025, dynamodb: 8000, sms: 4302 });
    expect(new Set(Object.values(LOCAL_SERVICE_PORTS).map((s) => s.variable)).size).toBe(Object.keys(LOCAL_SERVICE_PORTS).length);
  });

  it("gives every one any free port when the API has one (PORT=0 or the tests' port: 0)", () => {
    expect(Object.values(localConfig({ PORT: '0' }).ports)).toEqual(Array(9).fill(0));
    expect(Object.values(localConfig({ PORT: '4300' }, { port: 0 }).ports)).toEqual(Array(9).fill(0));
  });

  it('refuses a port that is not a whole number or would be above 65535, naming the variable', () => {
    expect(() => localConfig({ LOCAL_SMS_PORT: 'abc' })).toThrow(new LocalConfigError('LOCAL_SMS_PORT must be a whole number, got "abc"'));
    expect(() => localConfig({ PORT: '65530' })).toThrow(/LOCAL_CARRIER_PORT would be 65533|above 65535/);
  });

  it('turns a taken port into a message naming the variable that moves it', async () => {
    const blocker = createServer();
    const port = await listen(blocker, 0);
    try {
      const error = await startSnsEmulator({ port }).then(
        () => undefined,
        (e: unknown) => portTaken(e, 'sns', port),
      );
      expect(error).toBeInstanceOf(LocalConfigError);
      expect((error as Error).message).toBe(
        `port ${port} (SNS (operator alerts)) is in use, perhaps by another npm start: set PORT to move every port, or LOCAL_SNS_PORT for this one`,
      );
      const other = new Error('boom');
      expect(portTaken(other, 'sns', port)).toBe(other);
    } finally {
      await closeServer(blocker);
    }
  });
});
