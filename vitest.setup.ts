// Property tests draw arrays and strings up to about a hundred elements unless they say
// otherwise: fast-check's default ('small') stops near ten, far short of the lengths the tests
// state, and long operation sequences are where the interesting interleavings live.
import fc from 'fast-check';

fc.configureGlobal({ baseSize: 'medium' });
