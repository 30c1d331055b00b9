/**
 * The fake server's default responder. It is deterministic, so tests can assert exact text:
 *
 * - Let P be the final assistant prefill ('' if none). If STORY starts with P, the reply is the rest of
 *   STORY, whatever the temperature. So a client that keeps continuing after `max_tokens` cuts, each
 *   time prefilling everything so far (with trailing whitespace stripped, as the API demands), ends up
 *   with exactly STORY. With no prefill at all, the reply is the whole STORY.
 * - Otherwise, at temperature 0 (or none) the reply is a continuation made from a word list, seeded by
 *   a hash of the last user text and P: the same request always gets the same reply.
 * - Otherwise (temperature > 0) every request gets another variant, so parallel alternatives differ.
 *   Note this needs a prefill that is not a prefix of STORY.
 */
import { contentText, lastUserText, prefillOf } from './content';
import type { ReplyPlan, Responder } from './responder';
import { storyTokens } from './tokenizer';
import { hashText, seededRandom } from './random';

export { storyTokens };

export const STORY = [
  'The weaver of Salt Lane kept her loom by the window, where the light came in low and grey off the harbour. Every morning she wound the warp before the gulls were up, and every evening she cut a length of cloth and hung it on the line outside, so that the whole street could see what the day had been.',
  'Nobody had taught her the pattern. It arrived the way weather arrives: a blue thread where she had meant to lay a green one, a knot that refused to sit flat, a border that wandered off the edge and came back two hands further on. “The cloth knows where it’s going,” she told the boy who carried her wool. “I only have to start it.”',
  'The boy, whose name was Tomas, did not believe her. He had watched her hands for a whole winter and he was certain there was a trick to it — some count she kept under her breath, some mark on the beam that only she could read. So one night, when the lamp in her kitchen had gone out, he crept back to the window and sat down at the loom himself.',
  'He wove a single line. It was crooked and too tight, and the shuttle slipped out of his fingers twice. But when he stopped, the line went on without him: a thread of red crossed the warp on its own, slowly, the way a tide creeps over sand, and where it stopped there was a tiny picture of a boat with a patched sail. Tomas knew that boat. It belonged to his uncle, who had not come home in three years.',
  'In the morning the weaver found him asleep with his head on the breast beam. She looked at the cloth for a long time. Then she made him a bowl of café au lait, which she only made on feast days, and said nothing about the window, or the lamp, or the boat.',
  '“You started it,” she said at last. “Now you have to see where it goes.”',
  'After that Tomas came every evening. The weaver began each length and Tomas added the first line of the day’s ending, and the loom carried on from there. Some evenings it gave them weather: a squall of grey over the harbour wall, three days before the storm came. Some evenings it gave them faces. Once it gave them nothing at all, only plain undyed linen from one edge to the other, and the whole street stayed indoors that night without knowing why.',
  'The boat came back in spring. It came in on a still morning with its patched sail hanging slack, and Tomas’s uncle stepped onto the quay thinner and older and laughing at nothing. He said he had been lost in the fog off the northern islands for longer than he could count, and that one night the fog had opened like a curtain and he had seen, far off, a line of red light on the water, running straight towards home. He had simply followed it.',
  'The weaver heard the story from her window. She did not go down to the quay. She cut that day’s cloth a little early, hung it on the line, and sat for a while with her hands in her lap, listening to the gulls.',
  'Years later, when Tomas kept the loom himself, people would ask him how the pattern worked, and he would give them the answer he had been given:\nthe cloth knows where it’s going;\nyou only have to start it;\nand then you have to see it through.',
  'He never told them about the boat. But on the last evening of every year he wove one red line by hand, crooked and too tight, and left the shuttle lying on the warp to see what the loom would make of it. 🧵 It has not, so far, made the same thing twice… and nobody on Salt Lane has ever asked it to.',
].join('\n\n');

const WORDS = [
  'harbour', 'thread', 'lantern', 'morning', 'salt', 'window', 'quiet', 'river', 'stone', 'gull',
  'linen', 'shuttle', 'evening', 'tide', 'rope', 'silver', 'field', 'winter', 'door', 'bread',
  'north', 'wind', 'pattern', 'small', 'old', 'bright', 'slow', 'green', 'blue', 'warm',
  'carried', 'found', 'turned', 'waited', 'listened', 'folded', 'crossed', 'remembered', 'kept', 'followed',
  'under', 'across', 'beside', 'beyond', 'through', 'the', 'a', 'every', 'each', 'her',
];

/** Sentences from the word list; each starts with a space because a prefill never ends in whitespace. */
function continuation(seed: number): string {
  const random = seededRandom(seed);
  const pick = (): string => WORDS[Math.floor(random() * WORDS.length)];
  const sentences: string[] = [];
  const count = 3 + Math.floor(random() * 4);
  for (let s = 0; s < count; s += 1) {
    const length = 5 + Math.floor(random() * 9);
    const words: string[] = [];
    for (let w = 0; w < length; w += 1) {
      words.push(pick());
    }
    words[0] = words[0][0].toUpperCase() + words[0].slice(1);
    if (length > 8) {
      words[3] += ',';
    }
    sentences.push(` ${words.join(' ')}.`);
  }
  return sentences.join('');
}

/** A story responder; each has its own variant counter for temperature > 0. */
export function createStoryResponder(): Responder {
  let variant = 0;
  return (request): ReplyPlan => {
    const prefill = prefillOf(request);
    if (STORY.startsWith(prefill)) {
      return { tokens: storyTokens(STORY.slice(prefill.length)) };
    }
    const system = request.system === undefined ? '' : contentText(request.system);
    const key = [system, lastUserText(request), prefill];
    if ((request.temperature ?? 0) > 0) {
      variant += 1;
      key.push(String(variant));
    }
    return { tokens: storyTokens(continuation(hashText(key.join('\u0000')))) };
  };
}

/** One scripted reply: text (split with `storyTokens`) or the exact tokens to stream. */
export type ScriptedReply = { text: string } | { tokens: string[] };

/**
 * Replies with `replies` in order, one per request, whatever was asked. Running out is a test bug, so
 * it throws, which the server reports as a 500 naming the cause.
 */
export function scriptedResponder(replies: readonly ScriptedReply[]): Responder {
  let next = 0;
  return (): ReplyPlan => {
    const reply = replies[next];
    if (!reply) {
      throw new Error(`scriptedResponder: request ${next + 1} but only ${replies.length} replies were scripted`);
    }
    next += 1;
    return { tokens: 'tokens' in reply ? [...reply.tokens] : storyTokens(reply.text) };
  };
}
