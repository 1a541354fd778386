/**
 * Prints a KS of the sandbox's partner, valid for a day: what a remote-mode caller sends as
 * `Authorization: Bearer <KS>` (the README's remote-mode walk-through). The sandbox's secret
 * is a test fixture, not anyone's credential.
 *   node --import tsx test/sandbox/print-ks.ts
 */
import { signKsV2 } from '../../src/kaltura/ks.js';
import { SANDBOX_ADMIN_SECRET, SANDBOX_PARTNER_ID } from './fixtures.js';

process.stdout.write(
  `${signKsV2({
    adminSecret: SANDBOX_ADMIN_SECRET,
    partnerId: SANDBOX_PARTNER_ID,
    userId: 'remote-caller',
    type: 0,
    privileges: 'list:*,sview:*,download:*',
    expiresAt: Math.floor(Date.now() / 1000) + 86400,
  })}\n`,
);
