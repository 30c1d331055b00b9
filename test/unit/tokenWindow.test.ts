import * as assert from 'node:assert/strict';
import { decorationWindow, MARGIN_SCREENS, windowCovers } from '../../src/core/probabilities/tokenWindow';

describe('token shading: the decorated lines around the visible ones', () => {
  it('decorates the visible lines and a margin of screens above and below, within the document', () => {
    const screen = 40;
    const margin = MARGIN_SCREENS * screen;
    assert.deepEqual(decorationWindow({ first: 1000, last: 1000 + screen - 1 }, 5000), { first: 1000 - margin, last: 1000 + screen - 1 + margin });
    assert.deepEqual(decorationWindow({ first: 10, last: 49 }, 5000), { first: 0, last: 49 + margin });
    assert.deepEqual(decorationWindow({ first: 4960, last: 4999 }, 5000), { first: 4960 - margin, last: 4999 });
    assert.deepEqual(decorationWindow({ first: 0, last: 3 }, 4), { first: 0, last: 3 });
  });

  it('keeps the decorations while a screen to spare is left on each side, and asks for new ones past that', () => {
    const decorated = decorationWindow({ first: 1000, last: 1039 }, 5000);
    assert.equal(windowCovers(decorated, { first: 1000, last: 1039 }, 5000), true);
    assert.equal(windowCovers(decorated, { first: 1040, last: 1079 }, 5000), true, 'a screen down');
    assert.equal(windowCovers(decorated, { first: 1041, last: 1080 }, 5000), false, 'less than a screen to spare below');
    assert.equal(windowCovers(decorated, { first: 959, last: 998 }, 5000), false, 'less than a screen to spare above');
    assert.equal(windowCovers(undefined, { first: 0, last: 39 }, 5000), false, 'nothing decorated yet');
  });

  it('counts the document’s edge as spare: the end of a document needs no lines beyond it', () => {
    const decorated = decorationWindow({ first: 4900, last: 4939 }, 5000);
    assert.equal(windowCovers(decorated, { first: 4960, last: 4999 }, 5000), true);
    assert.equal(windowCovers(decorationWindow({ first: 0, last: 39 }, 50), { first: 10, last: 49 }, 50), true);
  });

  it('takes a window decorated for a taller editor as covering a shorter view of the same lines', () => {
    assert.equal(windowCovers(decorationWindow({ first: 1000, last: 1079 }, 5000), { first: 1020, last: 1059 }, 5000), true);
  });
});
