/**
 * Which media type remote mode answers a POST in, from the request's Accept header (content
 * negotiation by the `negotiator` library: q-values, wildcards, the most specific range wins).
 * The server only ever has JSON to say: as `application/json`, or as one SSE `message` event
 * for a client that takes `text/event-stream` only.
 */
import Negotiator from 'negotiator';

/** How a POST is answered: plain JSON, or the same JSON as one SSE event. */
export type AnswerType = 'json' | 'sse';

/**
 * What is offered. A range with parameters matches only an offer with the same ones, so the
 * charset variants let `application/json; charset=utf-8` match too. JSON first: it wins ties.
 */
const OFFERS: ReadonlyArray<[string, AnswerType]> = [
  ['application/json', 'json'],
  ['application/json; charset=utf-8', 'json'],
  ['text/event-stream', 'sse'],
  ['text/event-stream; charset=utf-8', 'sse'],
];
const BY_OFFER = new Map(OFFERS);

/**
 * The answer type the Accept header asks for, or undefined when it allows neither (then 406).
 * No header, or an empty one, takes anything: JSON.
 */
export function answerType(accept: string | undefined): AnswerType | undefined {
  if (accept === undefined || accept.trim() === '') return 'json';
  // A client sends the same header with every request: remember the last few answers.
  if (ANSWERS.has(accept)) return ANSWERS.get(accept);
  const chosen = new Negotiator({ headers: { accept } }).mediaType(OFFER_TYPES);
  const answer = chosen === undefined ? undefined : BY_OFFER.get(chosen);
  if (ANSWERS.size >= MAX_REMEMBERED) ANSWERS.clear();
  ANSWERS.set(accept, answer);
  return answer;
}

const OFFER_TYPES = OFFERS.map(([offer]) => offer);
const MAX_REMEMBERED = 64;
const ANSWERS = new Map<string, AnswerType | undefined>();
