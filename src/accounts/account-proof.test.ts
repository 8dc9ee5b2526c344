import { describe, expect, it } from 'vitest';
import { iinCheckDigit } from '../auth/iin';
import { type AddAccountInput, addAccountProblems, maskLogin, provesAccount } from './account-proof';

const BIN = `03074205297${iinCheckDigit('03074205297')}`;
const flat = { kind: 'individual' as const, ownerSurname: 'Семёнова', binIin: null, contractNumber: null };
const company = { kind: 'legal' as const, ownerSurname: '', binIin: BIN, contractNumber: 'ЮЛ-000046' };
const input = (over: Partial<AddAccountInput>): AddAccountInput => ({
  kind: 'individual',
  number: '01000056',
  surname: '',
  binIin: '',
  contract: '',
  ...over,
});

describe('the proof of the right to an account', () => {
  it("a household: the owner's surname in any case, ё as е", () => {
    expect(provesAccount(flat, input({ surname: 'СЕМЕНОВА' }))).toBe(true);
    expect(provesAccount(flat, input({ surname: 'Семенов' }))).toBe(false);
    expect(provesAccount(flat, input({ surname: '' }))).toBe(false);
  });

  it('a household whose holder IIN is known: that IIN too', () => {
    const known = { ...flat, binIin: '850101400125' };
    expect(provesAccount(known, input({ surname: 'Семёнова' }))).toBe(false);
    expect(provesAccount(known, input({ surname: 'Семёнова', binIin: '850101400125' }))).toBe(true);
  });

  it('a company: BIN and contract, the contract as written or as its Latin login', () => {
    const legal = input({ kind: 'legal', binIin: BIN });
    expect(provesAccount(company, { ...legal, contract: 'ЮЛ-000046' })).toBe(true);
    expect(provesAccount(company, { ...legal, contract: 'yul 000046' })).toBe(true);
    expect(provesAccount(company, { ...legal, contract: 'ЮЛ-000047' })).toBe(false);
    expect(provesAccount(company, { ...legal, binIin: '030742052970', contract: 'ЮЛ-000046' })).toBe(false);
  });

  it("the other kind's proof proves nothing", () => {
    expect(provesAccount(company, input({ surname: '' }))).toBe(false);
    expect(provesAccount(flat, input({ kind: 'legal', binIin: BIN, contract: 'x' }))).toBe(false);
  });

  it('names what is missing or malformed, field by field', () => {
    expect(addAccountProblems(input({ number: '', surname: '' }))).toEqual({
      number: 'required',
      surname: 'required',
    });
    expect(addAccountProblems(input({ number: '0100 <b>', surname: 'x', binIin: '123' }))).toEqual({
      number: 'badNumber',
      binIin: 'badBin',
    });
    expect(addAccountProblems(input({ kind: 'legal', binIin: '', contract: '' }))).toEqual({
      binIin: 'required',
      contract: 'required',
    });
    expect(addAccountProblems(input({ kind: 'legal', binIin: BIN, contract: 'ЮЛ-1' }))).toEqual({});
  });
});

describe('a login as another customer sees it', () => {
  it('keeps two characters at each end and hides the rest', () => {
    expect(maskLogin('06000901')).toBe('06****01');
    expect(maskLogin('YUL000500')).toBe('YU*****00');
    expect(maskLogin('ab12')).toBe('a***');
    expect(maskLogin('Әлия-2026')).toBe('Әл*****26');
  });
});
