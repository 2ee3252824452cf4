import { ValidationFailed } from './errors.js';
import { INPUT_LIMITS, boundedList, boundedText, identifier, optionalText } from './input-bounds.js';

const refusal = (check: () => unknown) => {
  try {
    check();
  } catch (error) {
    if (error instanceof ValidationFailed) return { message: error.message, details: error.details };
    throw error;
  }
  throw new Error('expected a refusal');
};

describe('boundedText', () => {
  it('given text within the limit, then it comes back trimmed', () => {
    expect(boundedText('  人口信息共享  ', 'name', 10)).toBe('人口信息共享');
  });

  it('given a rare character outside the BMP, then it counts as one character, as a person counts it', () => {
    expect(boundedText('𠀀'.repeat(10), 'name', 10)).toBe('𠀀'.repeat(10));
    expect(refusal(() => boundedText('𠀀'.repeat(11), 'name', 10)).message).toBe('name must be at most 10 characters');
  });

  it.each([
    ['absent', undefined, 'reason is required'],
    ['blank', ' \n ', 'reason is required'],
    ['not text', 42, 'reason must be text'],
    ['one character over', 'x'.repeat(INPUT_LIMITS.reason + 1), `reason must be at most ${INPUT_LIMITS.reason} characters`],
    ['ten megabytes', 'x'.repeat(10 * 1024 * 1024), `reason must be at most ${INPUT_LIMITS.reason} characters`],
  ])('given a value that is %s, then it is refused naming the field', (_, value, message) => {
    expect(refusal(() => boundedText(value, 'reason', INPUT_LIMITS.reason))).toEqual({
      message,
      details: { field: 'reason', violations: [{ field: 'reason', reason: message.replace(/^reason /, '') }] },
    });
  });

  it('given a one-line field, then line breaks, other controls and bidirectional overrides are refused', () => {
    for (const value of ['第一行\n第二行', 'a\tb', 'a\u0000b', 'a\u0085b', 'invoice\u202Etxt.exe']) {
      expect(refusal(() => boundedText(value, 'name', 200)).message).toBe('name must be one line without control characters');
    }
  });

  it('given a text of several lines, then line breaks (LF and CRLF) and tabs are kept, and other controls refused', () => {
    const text = '依据《数据安全法》第三十八条\r\n\t及《个人信息保护法》第三十四条\n';
    expect(boundedText(text, 'legalBasis', 2000, { multiline: true })).toBe(text.trim());
    for (const value of ['a\u0007b', 'a\rb', 'a\u2066b']) {
      expect(refusal(() => boundedText(value, 'legalBasis', 2000, { multiline: true })).message).toBe(
        'legalBasis must not hold control characters other than line breaks and tabs',
      );
    }
  });
});

describe('optionalText', () => {
  it('given nothing or blank, then it is null; given text, then it is checked like boundedText', () => {
    expect(optionalText(null, 'summary', 10)).toBeNull();
    expect(optionalText(undefined, 'summary', 10)).toBeNull();
    expect(optionalText('   ', 'summary', 10)).toBeNull();
    expect(optionalText(' 摘要 ', 'summary', 10)).toBe('摘要');
    expect(refusal(() => optionalText('x'.repeat(11), 'summary', 10)).message).toBe('summary must be at most 10 characters');
  });
});

describe('identifier', () => {
  it.each(['r-110101199003077777', '91330106MA2CFX0W1A', '5f0c3c7e-2d7a-4c1e-9f43-0d6a4a3b1c2e', 'birthDate', 'SUBSIDY_ELIGIBILITY', 'population.resident', 'x'.repeat(128)])(
    'given %s, then it is accepted as it is',
    (value) => {
      expect(identifier(value, 'subjectId')).toBe(value);
    },
  );

  it.each([
    ['5 000 characters', 'r'.repeat(5000), 'subjectId must be at most 128 characters'],
    ['129 characters', 'r'.repeat(129), 'subjectId must be at most 128 characters'],
    ['a newline', 'r-1\nr-2', 'subjectId must be letters, digits and _ . : -, starting with a letter or digit'],
    ['spaces around it', ' r-1 ', 'subjectId must be letters, digits and _ . : -, starting with a letter or digit'],
    ['a leading hyphen', '-r', 'subjectId must be letters, digits and _ . : -, starting with a letter or digit'],
    ['a slash', 'r/../1', 'subjectId must be letters, digits and _ . : -, starting with a letter or digit'],
    ['empty', '', 'subjectId is required'],
    ['not a string', 7, 'subjectId is required'],
  ])('given one with %s, then it is refused naming the field', (_, value, message) => {
    expect(refusal(() => identifier(value, 'subjectId'))).toMatchObject({ message, details: { field: 'subjectId' } });
  });
});

describe('boundedList', () => {
  it('given a list up to the limit, then it comes back; given none, then it is empty', () => {
    const fields = Array.from({ length: INPUT_LIMITS.list }, (_, i) => `f${i}`);
    expect(boundedList(fields, 'fields')).toBe(fields);
    expect(boundedList(null, 'fields')).toEqual([]);
  });

  it('given one item more than the limit, then it is refused with the count', () => {
    expect(refusal(() => boundedList(Array.from({ length: 4 }, String), 'masking', 3))).toMatchObject({
      message: 'masking must list at most 3 items; this one lists 4',
      details: { field: 'masking' },
    });
  });
});
