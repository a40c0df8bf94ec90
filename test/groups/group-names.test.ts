import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createGroupNames, upperSnake } from '../../src/groups/group-names.ts';

test('the table wins, matched exactly and then without regard to case', () => {
  const names = createGroupNames({ 'Maximo Supervisors': 'AP_MAXIMO_SUPERVISORS' }, 'upper-snake');
  assert.equal(names.toMas('Maximo Supervisors'), 'AP_MAXIMO_SUPERVISORS');
  assert.equal(names.toMas('maximo supervisors'), 'AP_MAXIMO_SUPERVISORS');
  assert.equal(names.toMas('Other Group'), 'OTHER_GROUP');
});

test('without derivation, names not in the table pass unchanged', () => {
  assert.equal(createGroupNames({}, 'none').toMas('Other Group'), 'Other Group');
});

test('upper-snake drops accents and collapses other characters', () => {
  assert.equal(upperSnake('  Jürgen’s Crew / Nord-Ost '), 'JURGEN_S_CREW_NORD_OST');
});

test('back to Entra: the name the request used, else the table, else the MAS name', () => {
  const names = createGroupNames({ A: 'X', B: 'Y', C: 'Y' }, 'upper-snake');
  assert.equal(names.toEntra('TEAM_1', ['Team 1']), 'Team 1');
  assert.equal(names.toEntra('X', []), 'A');
  assert.equal(names.toEntra('Y', []), 'Y', 'two names share Y: neither is guessed');
  assert.equal(names.toEntra('Y', ['C']), 'C');
});
