import { Worker } from 'node:worker_threads';
import type { SubscribersCommand, SubscribersJob, SubscribersMessage, SubscribersTally } from './subscribers-worker.js';

type Reply<Key extends string> = Extract<SubscribersMessage, Record<Key, unknown>>;

/** bench:feeds' subscribers on their own thread (subscribers-worker.ts), as the benchmark drives them. */
export class Subscribers {
  private failure: Error | undefined;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: SubscribersMessage) => {
      if ('failed' in message) this.failure = new Error(`the subscribers' thread failed: ${message.failed}`);
    });
    worker.on('error', (error) => (this.failure = error));
  }

  /** Every feed of `job` open (answered as an event stream); resolves with how long opening them took. */
  static async open(job: SubscribersJob): Promise<{ subscribers: Subscribers; openMs: number }> {
    const subscribers = new Subscribers(new Worker(new URL('./subscribers-worker.js', import.meta.url), { workerData: job }));
    const { ms } = await subscribers.reply('opened');
    return { subscribers, openMs: ms };
  }

  async tally(): Promise<SubscribersTally> {
    return (await this.ask('tally', 'tally')).tally;
  }

  /** From now on, each change's delivery times are kept until `report`. */
  record(): void {
    this.worker.postMessage('record' satisfies SubscribersCommand);
  }

  /** What was delivered since `record`: each change's cursor with the time (epoch ms) each subscriber parsed it. */
  async report(): Promise<Array<[cursor: string, at: number[]]>> {
    return (await this.ask('report', 'deliveries')).deliveries;
  }

  /** Drops every connection, as subscribers that go away do, and ends the thread. */
  async close(): Promise<void> {
    if (this.failure === undefined) await this.ask('close', 'closed').catch(() => undefined);
    await this.worker.terminate();
  }

  private ask<Key extends string>(command: SubscribersCommand, key: Key): Promise<Reply<Key>> {
    const reply = this.reply(key);
    this.worker.postMessage(command);
    return reply;
  }

  private reply<Key extends string>(key: Key): Promise<Reply<Key>> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const onMessage = (message: SubscribersMessage) => {
        if ('failed' in message) return settle(() => reject(new Error(`the subscribers' thread failed: ${message.failed}`)));
        if (key in message) settle(() => resolve(message as Reply<Key>));
      };
      const onError = (error: Error) => settle(() => reject(error));
      const onExit = (code: number) => settle(() => reject(new Error(`the subscribers' thread exited (${code})`)));
      const settle = (then: () => void) => {
        this.worker.off('message', onMessage).off('error', onError).off('exit', onExit);
        then();
      };
      this.worker.on('message', onMessage).on('error', onError).on('exit', onExit);
    });
  }
}
