import type { EventStore } from '@shuzhi/event-store';

/**
 * The store as a writer sees it when another one races it: the first read of `streamId` returns
 * the stream as it was, but only after `race` has run to the end, so whatever this writer
 * decides on that read meets the other's writes. The same moment every run, without sleeps.
 */
export const racedAfterFirstRead = (store: EventStore, streamId: string, race: () => Promise<unknown>): EventStore => {
  let raced = false;
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'readStream') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<EventStore['readStream']>) => {
        const history = await target.readStream(...args);
        if (args[0] === streamId && !raced) {
          raced = true;
          await race();
        }
        return history;
      };
    },
  });
};
