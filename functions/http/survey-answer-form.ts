import * as z from 'zod/mini';
import { ASPECTS, COMMENT_MAX_LENGTH, type SurveyAnswer } from '../domain/satisfaction.js';
import type { SurveyFormError, SurveyFormValues } from '../web/survey-pages.js';

const score = z.int().check(z.minimum(1), z.maximum(5));
const answerSchema = z.object({
  rating: score,
  speed: z.optional(score),
  resolution: z.optional(score),
  attitude: z.optional(score),
  comment: z._default(z.string().check(z.maxLength(COMMENT_MAX_LENGTH)), ''),
});
const SCORE_FIELDS = ['rating', ...ASPECTS] as const;

export const INVALID_ANSWER_MESSAGE = `rating (overall) is required; rating, speed, resolution and attitude are whole numbers from 1 to 5; comment at most ${COMMENT_MAX_LENGTH} characters.`;

/** The fields a survey answer was sent with: form-encoded from the page, or JSON ({} when it does not parse). */
export function sentFields(body: string, isJson: boolean): unknown {
  if (!isJson) return Object.fromEntries(new URLSearchParams(body));
  try {
    return JSON.parse(body);
  } catch {
    return {};
  }
}

/** The answer in the sent fields, or the form's messages for what was wrong with them. */
export function parseAnswer(sent: unknown): { answer: SurveyAnswer } | { errors: SurveyFormError[] } {
  const parsed = answerSchema.safeParse(withScoreDigits(sent));
  if (!parsed.success) return { errors: formErrors(fieldsOf(sent)) };
  const { rating, comment, ...aspects } = parsed.data;
  return { answer: { overall: rating, comment, ...aspects } };
}

/** Forms post text: the digits 1-5 alone count as a score (no coercion of "0x5", true or [5]); an empty aspect is no answer. */
function withScoreDigits(fields: unknown): unknown {
  if (typeof fields !== 'object' || fields === null) return fields;
  const out: Record<string, unknown> = { ...fields };
  for (const name of SCORE_FIELDS) {
    const value = out[name];
    if (typeof value === 'string' && /^[1-5]$/.test(value)) out[name] = Number(value);
    else if (value === '' && name !== 'rating') delete out[name];
  }
  return out;
}

/** Which problems a refused answer had, for the form's messages. */
function formErrors(fields: Record<string, unknown>): SurveyFormError[] {
  const errors: SurveyFormError[] = [];
  if (fields.rating === undefined || fields.rating === '') errors.push('overall_missing');
  if (SCORE_FIELDS.some((name) => fields[name] !== undefined && fields[name] !== '' && !score.safeParse(fields[name]).success)) errors.push('score_invalid');
  if (typeof fields.comment === 'string' && fields.comment.length > COMMENT_MAX_LENGTH) errors.push('comment_too_long');
  return errors.length > 0 ? errors : ['score_invalid'];
}

const fieldsOf = (sent: unknown): Record<string, unknown> => (typeof sent === 'object' && sent !== null ? (sent as Record<string, unknown>) : {});

/** What the customer typed, shown again in the form that asks them to correct or resend it. */
export function formValues(sent: unknown): SurveyFormValues {
  const fields = fieldsOf(sent);
  const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);
  return {
    rating: text(fields.rating),
    speed: text(fields.speed),
    resolution: text(fields.resolution),
    attitude: text(fields.attitude),
    comment: text(fields.comment)?.slice(0, COMMENT_MAX_LENGTH * 2),
  };
}
