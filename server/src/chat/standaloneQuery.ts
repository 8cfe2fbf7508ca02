/**
 * The search query for a chat turn, standing on its own: a follow-up ("and what does it return?", "where is
 * that used?") says little by itself, so the identifiers and paths of the conversation's last turn (its
 * question and what its answer cited) are added to it. A question that names identifiers of its own is a new
 * topic and is searched as it is. Deterministic and cheap, so it works with the tiny chat model too (a model
 * rewrite would need an instruction-following model and cost a generation before retrieval).
 */

export interface PreviousTurn {
  question: string;
  /** Paths and names the previous answer cited. */
  citedPaths: readonly string[];
}

const referringWords = /\b(it|its|that|this|these|those|them|they|there|same|above|previous|one)\b/i;
const identifierPattern = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/g;
const stopWords = new Set(
  "a an and are as at be by can do does for from how i in is it its of on or the to what when where which who why with you your me my this that these those them they there does did done use used uses called call calls return returns defined define".split(
    " ",
  ),
);

/** Identifiers and code-looking words of a text (names with `_`, camelCase, dots, or longer than a word). */
export function codeTerms(text: string): string[] {
  const terms = (text.replace(/@(file|symbol):/g, " ").match(identifierPattern) ?? []).filter(
    (term) => !stopWords.has(term.toLowerCase()) && term.length > 1,
  );
  return [...new Set(terms)];
}

export function standaloneQuery(question: string, previous: PreviousTurn | undefined): string {
  const own = codeTerms(question).filter((term) => /[_$.]|[a-z][A-Z]|^[A-Z][a-z]+[A-Z]/.test(term));
  const isFollowUp = previous !== undefined && (own.length === 0 || referringWords.test(question));
  if (!isFollowUp) return question;
  const carried = [...codeTerms(previous.question), ...previous.citedPaths];
  return [question, ...carried.filter((term) => !question.includes(term))].join(" ");
}
