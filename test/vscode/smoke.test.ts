import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { EXTENSION_ID, activateExtension } from './util';

describe('smoke', () => {
  it('activates in a real VS Code extension host', async () => {
    await activateExtension();
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext?.isActive, 'the extension should be active after activate()');
    assert.match(vscode.version, /^1\.\d+\.\d+/);
  });
});
