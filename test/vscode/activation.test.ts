import * as assert from 'node:assert/strict';
import { activateExtension, type TestApi } from './util';

describe('activation', () => {
  it('activates without loading the Google Cloud SDKs (they load on first cloud use)', async () => {
    const api = await activateExtension<TestApi>();
    assert.ok(api.activationMs >= 0);
    const loaded = Object.keys(require.cache).filter((k) => /[\\/]node_modules[\\/](@google-cloud|google-gax|@grpc)[\\/]/.test(k));
    assert.deepEqual(loaded, []);
  });
});
