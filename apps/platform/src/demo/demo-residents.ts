import { generatePopulation } from '../../../population/src/seed/population-generator.js';
import { DEMO_POPULATION } from './demo-plan.js';

export interface DemoResident {
  id: string;
  name: string;
  idNumber: string;
  birthDate: string;
}

/**
 * The demo's residents, as the population seed generates them: the generator is deterministic
 * (ids do not depend on `now`), so the seed, the printed examples and the tour name the same
 * people without asking anyone. Only the living, in the order they were registered.
 */
export const demoResidents = (now: string = new Date().toISOString()): DemoResident[] =>
  [...generatePopulation({ ...DEMO_POPULATION, now })].flatMap((household) =>
    household.residents
      .filter((resident) => !resident.then.some((command) => command.type === 'RecordDeath'))
      .map(({ register }) => ({ id: register.residentId, name: register.input.name, idNumber: register.input.idNumber, birthDate: register.input.birthDate })),
  );

/** Every generated resident id, the dead included: the enterprise seed draws legal representatives from them. */
export const demoResidentIds = (now: string): string[] =>
  [...generatePopulation({ ...DEMO_POPULATION, now })].flatMap((household) => household.residents.map((r) => r.register.residentId));
