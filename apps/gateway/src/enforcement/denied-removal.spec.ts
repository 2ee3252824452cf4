import { buildSchema, parse, print, type FieldNode, type OperationDefinitionNode } from 'graphql';
import { withoutDenied } from './denied-removal.js';

const schema = buildSchema(`
  type Query { resident(id: ID!): Resident, purposes: [Purpose!]! }
  type Purpose { code: String! }
  type Resident { id: ID! name: String idNumber: String household: Household }
  type Household { address: String districtCode: String }
`);
const compact = (text: string) => print(parse(text));

describe('leaving denied fields out of the operation', () => {
  it('removes every selection of a denied Type.field, in fragments too, and what that leaves empty', () => {
    const document = parse(`
      query { a: resident(id: "1") { name ...R household { address } } purposes { code } }
      fragment R on Resident { idNumber }`);
    const kept = withoutDenied(schema, document, new Set(['Resident.idNumber', 'Household.address']), new Set());
    expect(print(kept.document)).toBe(compact('query { a: resident(id: "1") { name } purposes { code } }'));
    expect(kept.empty).toBe(false);
  });

  it('removes a root field whose whole selection is denied, and says when nothing is left to run', () => {
    const kept = withoutDenied(schema, parse('{ resident(id: "1") { idNumber } }'), new Set(['Resident.idNumber']), new Set());
    expect(kept.empty).toBe(true);
  });

  it('removes the nodes of refused lookups whatever their fields', () => {
    const document = parse('{ a: resident(id: "1") { name } purposes { code } }');
    const lookup = (document.definitions[0] as OperationDefinitionNode).selectionSet.selections[0] as FieldNode;
    expect(print(withoutDenied(schema, document, new Set(), new Set([lookup])).document)).toBe(compact('{ purposes { code } }'));
  });

  it('answers the same document when nothing is denied', () => {
    const document = parse('{ resident(id: "1") { name } }');
    expect(withoutDenied(schema, document, new Set(), new Set()).document).toBe(document);
  });
});
