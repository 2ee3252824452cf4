/**
 * Declarations of what a field's arguments read, for the gateway: an argument that looks rows up
 * or filters them by a field (`resident(id:)`, `enterprises(filter: { status })`) reads that field,
 * and the gateway lets it through only to a caller who may read that field. An argument a
 * subgraph does not declare is refused on its domain fields (fail closed). Written as federation
 * `@tag`s, which composition keeps in the supergraph:
 *
 *   @Query(() => Resident) @Directive(readsArgument('id', 'Resident.id')) resident(@Args('id') id: string) {...}
 *   @InputType() class Filter { @Field() @Directive(reads('Enterprise.status')) status?: string }
 *
 * `none` declares an argument that reads no field (a page size).
 */
type Target = `${string}.${string}` | 'none';

/** On a field: its argument `argument` reads `target`. */
export const readsArgument = (argument: string, target: Target): string => `@tag(name: "shuzhi:reads:${argument}=${target}")`;

/** On a field of an input type: it reads `target`. */
export const reads = (target: Target): string => `@tag(name: "shuzhi:reads=${target}")`;
