// A stand-in for the addon (src/native.ts NativeBinding) for unit tests of
// the library and CLI plumbing: methods answer from a table, calls can be
// held open, cancelled and observed.
import type { NativeBinding, NativeHandle, NativeProgress } from '../../src/native.js';

export interface FakeCall {
  method: string;
  args: Record<string, string>;
}

type Answer = (args: Record<string, string>, progress?: NativeProgress) => Promise<string> | string;

export class FakeBinding implements NativeBinding {
  calls: FakeCall[] = [];
  running = 0;
  maxRunning = 0;
  cancelled = 0;
  closed = 0;
  private cancelHook?: () => void;

  constructor(private answers: Record<string, Answer>) {}

  async open(_core: string, _exe: string | undefined, onProgress?: NativeProgress): Promise<NativeHandle> {
    onProgress?.('open', 1, 1);
    return {} as NativeHandle;
  }

  async call(_h: NativeHandle, method: string, args: Record<string, string>, onProgress?: NativeProgress): Promise<string> {
    this.calls.push({ method, args });
    this.running++;
    this.maxRunning = Math.max(this.maxRunning, this.running);
    try {
      if (this.running > 1) throw Object.assign(new Error('another call is running'), { code: 'BUSY' });
      const answer = this.answers[method];
      if (!answer) throw Object.assign(new Error(`unknown method ${method}`), { code: 'USAGE' });
      return await answer(args, onProgress);
    } finally {
      this.running--;
    }
  }

  cancel(): void {
    this.cancelled++;
    this.cancelHook?.();
  }

  close(): void {
    this.closed++;
  }

  methods(): string[] {
    return Object.keys(this.answers);
  }

  /** hold returns an answer that stays pending until released or cancelled (then rejects CANCELLED). */
  hold(result: string): { answer: Answer; release: () => void } {
    let release!: () => void;
    const answer: Answer = () =>
      new Promise<string>((resolve, reject) => {
        release = () => resolve(result);
        this.cancelHook = () => reject(Object.assign(new Error('cancelled'), { code: 'CANCELLED' }));
      });
    return { answer, release: () => release() };
  }
}
