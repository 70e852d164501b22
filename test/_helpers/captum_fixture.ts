/**
 * The tutorial CNN's Captum fixture for the tests: {@linkcode loadCaptumFixture} from
 * `test/fixtures/load_fixture.ts` (the one loader tests and benches share), which reads
 * `test/fixtures/captum/tutorial_cnn.json` inside the repository.
 *
 * @module
 */
export { type CaptumFixture, loadCaptumFixture } from "../fixtures/load_fixture.ts";
