/**
 * A browser session that ends in the middle of an edit (timed out, signed out
 * elsewhere, revoked from "My devices", password reset): what was typed is
 * kept, the sign-in form says so in plain words, and the edit is sent once
 * the same user signs in again, never under someone else's name.
 */
import { expect, test, type APIRequestContext, type Browser, type Locator, type Page, type Route } from '@playwright/test';
import { apiLogin, base, PASSWORD, settled, signedIn, submitSignIn } from './helpers';

const CONTEXT = 'Context of the engagement';

/** The token and device id the page keeps for its session (see `HttpTransport`). */
async function pageSession(page: Page): Promise<{ token: string; device_id: string }> {
  const raw = await page.evaluate(() => localStorage.getItem('cd4mm.session'));
  expect(raw, 'the page keeps its session').not.toBeNull();
  return JSON.parse(raw!) as { token: string; device_id: string };
}

function login(request: APIRequestContext, username: string): Promise<string> {
  return apiLogin(request, username);
}

/**
 * Hold the page's requests to the server, its edits aside, until the returned
 * function lets them go. The app learns on its own that a session ended (a
 * reading every 30 s, coming back to the window): held, it cannot learn it
 * before the test has typed, whatever the timing of the machine.
 */
async function holdReadings(page: Page): Promise<() => Promise<void>> {
  const held: Route[] = [];
  let holding = true;
  await page.route('**/api/**', (route) => {
    const body = route.request().postData() ?? '';
    const edit = body.includes('"command":"edit_document"');
    if (holding && !edit) held.push(route);
    else void route.continue();
  });
  return async () => {
    holding = false;
    for (const route of held.splice(0)) await route.continue();
    await page.unroute('**/api/**');
  };
}

/** The officer, signed in, on the engagement's first phase: its context field and what it holds. */
async function officerAtContext(browser: Browser): Promise<{ page: Page; context: Locator; before: string }> {
  const page = await signedIn(browser, 'officer');
  await page.goto(`${base()}/#/w/ghana-border/phase/1`);
  const context = page.getByLabel(CONTEXT);
  await expect(context).toBeVisible();
  await settled(page);
  return { page, context, before: await context.inputValue() };
}

async function signInAgain(page: Page, username: string) {
  await page.getByLabel('User name').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await submitSignIn(page);
}

test('an edit typed after the session ended elsewhere is kept and sent after signing in again', async ({
  browser,
  request,
}) => {
  const { page, context } = await officerAtContext(browser);

  // The same user signs this browser session out from elsewhere.
  const { token } = await pageSession(page);
  const release = await holdReadings(page);
  const logout = await request.post(`${base()}/api/logout`, { headers: { authorization: `Bearer ${token}` } });
  expect(logout.status()).toBe(204);

  const typed = 'Typed after the session had ended on the server.';
  await context.fill(typed);
  // Before the field sends it, the app learns on its own that the session
  // ended (coming back to the window reads the documents again) and turns to
  // the sign-in form: the field, taken away, hands what it held to the
  // outbox, as the edit of the user whose session ended.
  await release();
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));

  // The sign-in form, saying what happened and that nothing is lost.
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  const said = page.getByTestId('session-ended');
  await expect(said).toContainText('Your session has ended. Please sign in again.');
  await expect(said).toContainText('Nothing you typed is lost');
  await expect(said).toContainText('your unsent edits (1)');
  await expect(said).toContainText('as officer');
  await expect(page.getByLabel('User name')).toHaveValue('officer');
  await expect(page.getByTestId('sync-status')).toContainText('unsent edits: 1');

  // Even a reload of the sign-in page keeps the edit.
  await page.reload();
  await expect(page.getByTestId('session-ended')).toContainText('your unsent edits (1)');

  await signInAgain(page, 'officer');
  await expect(page.getByLabel(CONTEXT)).toHaveValue(typed);
  await expect(page.getByTestId('session-ended')).toHaveCount(0);
  await settled(page);
  await expect(page.getByTestId('sync-status')).not.toContainText('unsent edits');

  // It is on the server: a reload reads it back.
  await page.reload();
  await expect(page.getByLabel(CONTEXT)).toHaveValue(typed);
});

test('an edit kept from an ended session is never sent as another user who signs in', async ({
  browser,
  request,
}) => {
  const { page, context, before } = await officerAtContext(browser);

  // Revoked from "My devices" in another session of the same user.
  const { device_id } = await pageSession(page);
  const release = await holdReadings(page);
  const other = await login(request, 'officer');
  const revoke = await request.post(`${base()}/api/devices/revoke`, {
    headers: { authorization: `Bearer ${other}` },
    data: { device_id },
  });
  expect(revoke.ok()).toBe(true);

  const typed = 'Typed by the officer just before a colleague took the computer.';
  await context.fill(typed);
  await context.blur();
  await expect(page.getByTestId('session-ended')).toContainText('Your session has ended.');
  await release();

  // A colleague signs in in the same window: the officer's edit waits aside.
  await signInAgain(page, 'counterpart');
  const aside = page.getByTestId('others-unsent');
  await expect(aside).toContainText('Edits made by officer before their session ended are waiting (1)');
  await expect(aside).toContainText('They are not sent under your name');
  // Not counted as the colleague's own unsent edits either.
  await expect(page.getByTestId('sync-status')).not.toContainText('unsent edits');
  await page.goto(`${base()}/#/w/ghana-border/phase/1`);
  await expect(page.getByLabel(CONTEXT)).toHaveValue(before);
  await settled(page);
  await page.reload();
  await expect(page.getByLabel(CONTEXT)).toHaveValue(before);
  await expect(page.getByTestId('others-unsent')).toBeVisible();

  // The colleague leaves; the officer comes back: the edit goes out as the officer.
  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByTestId('session-ended')).toContainText('as officer');
  await expect(page.getByTestId('sync-status')).toContainText('unsent edits: 1');
  await signInAgain(page, 'officer');
  await expect(page.getByRole('heading', { name: 'Your workspaces' })).toBeVisible();
  await expect(page.getByTestId('others-unsent')).toHaveCount(0);
  await expect(page.getByTestId('sync-status')).not.toContainText('unsent edits');
  await page.goto(`${base()}/#/w/ghana-border/phase/1`);
  await page.reload();
  await expect(page.getByLabel(CONTEXT)).toHaveValue(typed);
});

test('edits of an ended session may be discarded by the next user', async ({ browser, request }) => {
  const { page, context, before } = await officerAtContext(browser);

  const { token } = await pageSession(page);
  const release = await holdReadings(page);
  await request.post(`${base()}/api/logout`, { headers: { authorization: `Bearer ${token}` } });
  await context.fill('Never to be sent.');
  await context.blur();
  await expect(page.getByTestId('session-ended')).toBeVisible();
  await release();

  await signInAgain(page, 'regional');
  const aside = page.getByTestId('others-unsent');
  await expect(aside).toContainText('waiting (1)');
  page.once('dialog', (dialog) => void dialog.accept());
  await aside.getByRole('button', { name: 'Discard the edits of officer' }).click();
  await expect(aside).toHaveCount(0);
  await expect(page.getByTestId('sync-status')).not.toContainText('unsent edits');

  await page.getByRole('button', { name: 'Sign out', exact: true }).click();
  await expect(page.getByTestId('session-ended')).toHaveCount(0);
  await signInAgain(page, 'officer');
  await page.goto(`${base()}/#/w/ghana-border/phase/1`);
  await expect(page.getByLabel(CONTEXT)).toHaveValue(before);
});

test('a tab left open as one user sends nothing as the user another tab signed in', async ({ browser }) => {
  const { page: officerTab, context, before } = await officerAtContext(browser);

  // A second tab of the same browser: the officer signs out there, and a
  // colleague signs in (one session per browser, shared by its tabs).
  const other = await officerTab.context().newPage();
  await other.goto(`${base()}/#/`);
  await other.getByRole('button', { name: 'Sign out', exact: true }).click();
  await signInAgain(other, 'counterpart');
  await expect(other.getByRole('heading', { name: 'Your workspaces' })).toBeVisible();

  // The first tab still shows the officer's page: what is typed there is
  // the officer's, kept for them, and never sent under the colleague's name.
  const typed = 'Typed in the tab the officer left open.';
  await context.fill(typed);
  await context.blur();
  const said = officerTab.getByTestId('session-ended');
  await expect(said).toContainText('Your session has ended.');
  await expect(said).toContainText('your unsent edits (1)');
  await expect(said).toContainText('as officer');

  // The colleague's session goes on, and the server has the page as it was.
  await other.goto(`${base()}/#/w/ghana-border/phase/1`);
  await expect(other.getByLabel(CONTEXT)).toHaveValue(before);
  await expect(other.getByRole('button', { name: 'Sign out', exact: true })).toBeVisible();
});
