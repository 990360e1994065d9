/**
 * Words that change with what comes before them: Korean particles chosen by the final sound of the
 * word they follow (es-hangul), English nouns by count (Intl.PluralRules). Pure.
 */
import { josa } from 'es-hangul';

type Particle = Parameters<typeof josa>[1];

const HANGUL_SYLLABLE = /[\uac00-\ud7a3]$/;

/**
 * `word` with the particle its final sound takes: "요청을", "방송미디어통신심의위원회는". After a word
 * that does not end in a Hangul syllable (an id such as "op-social", a number) the final sound is
 * not written, and readers say Latin letters and digits differently, so both forms are written,
 * the one after a final consonant first, as Korean official documents do: "op-social과(와)",
 * "O01…을(를)".
 */
export function withParticle(word: string, particle: Particle): string {
  if (HANGUL_SYLLABLE.test(word)) return josa(word, particle);
  // "각" ends in a consonant other than ㄹ and "가" in a vowel: they pick the two forms of any pair.
  return `${word}${josa.pick('각', particle)}(${josa.pick('가', particle)})`;
}

const pluralRules = new Map<string, Intl.PluralRules>();

/** "1 URL", "2 URLs": `forms` by Intl.PluralRules' category of `count` in `lang` ("other" when absent). */
export function countOf(count: number, forms: { one: string; other: string }, lang: string = 'en'): string {
  let rules = pluralRules.get(lang);
  if (!rules) {
    rules = new Intl.PluralRules(lang);
    pluralRules.set(lang, rules);
  }
  return `${count} ${rules.select(count) === 'one' ? forms.one : forms.other}`;
}
