/**
 * Demo mode's Pelco-D bus. The district simulator's PTZ cameras have no serial line on a demo
 * PC, so demo mode gives them one: a virtual port (serialport's SerialPortMock — the same
 * SerialPortStream the real driver's SerialPort is built on, over the mock binding) with a simulated receiver at the
 * other end that decodes every frame and keeps each camera's pan, tilt and zoom. The frames are
 * the real encoder's; the receiver checks their checksum like a camera would. Like real buses,
 * it sometimes fails: now and then the simulated RS-485 converter does not take a write.
 */
import { SerialPortMock } from 'serialport';
import type { PtzAction } from '../../../shared/contract';
import { HallError } from '../api/errors';
import { decodePelcoD, pelcoDAction, pelcoDPreset } from './pelco-d';

const DEMO_PATH = '/dev/hall-demo-ptz';

/** The part of serialport's mock binding used here (its own typings do not resolve under this package's exports). */
interface MockBindingControl {
  createPort(path: string, options?: { echo?: boolean; record?: boolean }): void;
  reset(): void;
}
const mockBinding = SerialPortMock.binding as unknown as MockBindingControl;

export interface DemoPtzState {
  pan: number;
  tilt: number;
  zoom: number;
  lastCommand: string;
  frames: number;
}

export class DemoPtzBus {
  private port: SerialPortMock | null = null;
  private readonly addresses = new Map<string, number>();
  private readonly states = new Map<number, DemoPtzState>();

  constructor(private readonly options: { failureRate?: number; random?: () => number } = {}) {}

  private async open(): Promise<SerialPortMock> {
    if (this.port?.isOpen) return this.port;
    mockBinding.createPort(DEMO_PATH, { echo: false, record: false });
    const port = new SerialPortMock({ path: DEMO_PATH, baudRate: 2400, autoOpen: false });
    await new Promise<void>((resolve, reject) => port.open((error) => (error ? reject(error) : resolve())));
    this.port = port;
    return port;
  }

  /** Cameras get receiver addresses in the order they are first steered (1–255). */
  private address(cameraId: string): number {
    let a = this.addresses.get(cameraId);
    if (a === undefined) {
      a = (this.addresses.size % 255) + 1;
      this.addresses.set(cameraId, a);
    }
    return a;
  }

  async ptz(cameraId: string, action: PtzAction, speed?: number): Promise<void> {
    await this.send(cameraId, pelcoDAction(this.address(cameraId), action, speed));
  }

  async preset(cameraId: string, op: 'goto' | 'set' | 'clear', n: number): Promise<void> {
    await this.send(cameraId, pelcoDPreset(this.address(cameraId), op, n));
  }

  state(cameraId: string): DemoPtzState | undefined {
    const a = this.addresses.get(cameraId);
    return a === undefined ? undefined : this.states.get(a);
  }

  private async send(cameraId: string, frame: Buffer): Promise<void> {
    if ((this.options.random ?? Math.random)() < (this.options.failureRate ?? 0.03)) {
      throw new HallError('unavailable', `演示云台总线：RS-485 转换器未响应（camera "${cameraId}"，模拟故障，请重试）`);
    }
    const port = await this.open();
    await new Promise<void>((resolve, reject) => port.write(frame, (error) => (error ? reject(error) : port.drain((e) => (e ? reject(e) : resolve())))));
    this.receive(frame);
  }

  /** The simulated receiver: decode as a camera would and move (one step per frame, speed-scaled). */
  private receive(frame: Buffer): void {
    const cmd = decodePelcoD(frame);
    const s = this.states.get(cmd.address) ?? { pan: 0, tilt: 0, zoom: 1, lastCommand: 'stop', frames: 0 };
    if (cmd.kind === 'extended') {
      s.lastCommand = `${cmd.name ?? `opcode 0x${cmd.opcode.toString(16)}`} ${cmd.data2}`;
    } else if (!cmd.conflicting) {
      const step = Math.max(1, Math.round(cmd.panSpeed / 8));
      if (cmd.pan === 'left') s.pan = (s.pan - step + 360) % 360;
      if (cmd.pan === 'right') s.pan = (s.pan + step) % 360;
      if (cmd.tilt === 'up') s.tilt = Math.min(90, s.tilt + step);
      if (cmd.tilt === 'down') s.tilt = Math.max(-90, s.tilt - step);
      if (cmd.zoom === 'in') s.zoom = Math.min(30, s.zoom + 1);
      if (cmd.zoom === 'out') s.zoom = Math.max(1, s.zoom - 1);
      s.lastCommand = cmd.stop ? 'stop' : [cmd.pan, cmd.tilt, cmd.zoom && `zoom ${cmd.zoom}`, cmd.focus && `focus ${cmd.focus}`].filter(Boolean).join(' ');
    }
    s.frames++;
    this.states.set(cmd.address, s);
  }

  async close(): Promise<void> {
    const port = this.port;
    this.port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    mockBinding.reset();
  }
}
