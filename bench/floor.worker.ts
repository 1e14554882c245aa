/**
 * The floor: the least a page → comlink → worker → WebSocket round trip can cost. No codec, no
 * RPC engine, no MCP: the worker sends the string it is given and returns the next frame it gets
 * (the echo server answers in order, so a FIFO of resolvers is the whole correlation).
 */
import { expose } from 'comlink';

let ws: WebSocket | undefined;
const waiting: ((frame: string) => void)[] = [];

const api = {
  async open(url: string): Promise<void> {
    const socket = new WebSocket(url);
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error(`floor WebSocket to ${url} failed`));
    });
    socket.onmessage = (event: MessageEvent<string>) => waiting.shift()?.(event.data);
    ws = socket;
  },
  echo(frame: string): Promise<string> {
    return new Promise((resolve) => {
      waiting.push(resolve);
      ws!.send(frame);
    });
  },
  /** The same round trip measured inside the worker: no postMessage at all. */
  async loop(frame: string, warmup: number, count: number, maxMs: number): Promise<number[]> {
    for (let i = 0; i < warmup; i++) await api.echo(frame);
    const samples: number[] = [];
    const deadline = performance.now() + maxMs;
    while (samples.length < count && performance.now() < deadline) {
      const t0 = performance.now();
      await api.echo(frame);
      samples.push(performance.now() - t0);
    }
    return samples;
  },
  close(): void {
    ws?.close();
  },
};

export type FloorApi = typeof api;
expose(api);
