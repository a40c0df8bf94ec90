import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  foldSubAttributeComparisons,
  quoteBareValues,
  serialize,
  tokenize,
  valueEquals,
} from '../../src/scim/filter.ts';

const fold = (f: string) => serialize(foldSubAttributeComparisons(tokenize(f) ?? []));
const quote = (f: string) => serialize(quoteBareValues(tokenize(f) ?? []));

test('a sub-attribute comparison after the brackets moves inside them', () => {
  assert.equal(fold('emails[type eq "work"].value eq "x"'), 'emails[type eq "work" and value eq "x"]');
  assert.equal(fold('emails[type eq "work"].value pr'), 'emails[type eq "work" and value pr]');
});

test('an or inside the brackets is grouped before the and is added', () => {
  assert.equal(
    fold('emails[type eq "a" or type eq "b"].value eq "x"'),
    'emails[(type eq "a" or type eq "b") and value eq "x"]',
  );
});

test('a compliant filter serialises to the same filter', () => {
  const f = 'userName eq "a b" and (emails[type eq "work" and value co "@x"] or not (active eq false))';
  assert.equal(fold(f), f);
  assert.equal(quote(f), f);
});

test('bare values are quoted; booleans, null and numbers are not', () => {
  assert.equal(
    quote('id eq 54D3-x and active eq true and n eq 3 and m eq null'),
    'id eq "54D3-x" and active eq true and n eq 3 and m eq null',
  );
});

test('an unterminated string does not tokenize', () => {
  assert.equal(tokenize('userName eq "abc'), undefined);
});

test('an id that tries to break out of the filter stays one string value', () => {
  const id = 'x"] or value pr or members[value eq "y';
  const tokens = tokenize(valueEquals('members', id)) ?? [];
  const strings = tokens.filter((t) => t.kind === 'string');
  assert.equal(strings.length, 1);
  assert.equal(JSON.parse(strings[0]!.text), id);
});
