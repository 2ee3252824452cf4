import { changeSubscription } from './change-subscription.js';
import { FeedUsageError } from './feed-errors.js';

describe('the change subscription a feed asks for', () => {
  it('asks for the entity’s key by default: id, creditCode for an enterprise', () => {
    expect(changeSubscription('residentChanges')).toEqual({
      name: 'residentChanges',
      entity: 'resident',
      fields: ['id'],
      query: 'subscription ChangeFeed($after: String) { residentChanges(after: $after) { cursor kind occurredAt resident { id } } }',
    });
    expect(changeSubscription('householdChanges').query).toContain('householdChanges(after: $after) { cursor kind occurredAt household { id } }');
    expect(changeSubscription('enterpriseChanges').query).toContain('enterpriseChanges(after: $after) { cursor kind occurredAt enterprise { creditCode } }');
  });

  it('asks for the fields given, each once, in their order', () => {
    const subscription = changeSubscription('residentChanges', ' id, name ,birthDate,id,__typename');
    expect(subscription.fields).toEqual(['id', 'name', 'birthDate', '__typename']);
    expect(subscription.query).toContain('resident { id name birthDate __typename }');
  });

  it('serves a department’s own <entity>Changes the same way', () => {
    expect(changeSubscription('permitChanges', 'number').query).toContain('permitChanges(after: $after) { cursor kind occurredAt permit { number } }');
  });

  it.each([
    ['id } } mutation { revokeClient(id: "x") { id'],
    ['id,'],
    [''],
    ['name(arg: 1)'],
    ['9lives'],
    ['birth-date'],
  ])('refuses --fields %p before building a document', (fields) => {
    expect(() => changeSubscription('residentChanges', fields)).toThrow(FeedUsageError);
    expect(() => changeSubscription('residentChanges', fields)).toThrow(/GraphQL field names/);
  });

  it.each([['resident'], ['Changes'], ['ResidentChanges'], ['residentChanges(after: "0")'], ['resident-changes'], ['residentchanges']])(
    'refuses the subscription %p',
    (name) => {
      expect(() => changeSubscription(name)).toThrow(/<entity>Changes/);
    },
  );
});
