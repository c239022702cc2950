/**
 * The Administration page in the browser, against the real server: an
 * administrator adds a person (a too-short password is refused in plain
 * words first), a workspace in a country picked from the list, makes the
 * person a member, changes their role and removes them, gives the regional
 * officer a country and takes it back, disables the person (who then cannot
 * sign in) and enables them, resets their password, revokes their session,
 * and reads all of it in the audit log. Someone who is not an administrator
 * is shown no way in. And everyone's "My devices" ends a session left open
 * elsewhere.
 *
 * Runs first (alphabetical order, one worker) on the server the other specs
 * share, so it only touches what it creates, plus a country covered and
 * uncovered again (one no demo workspace is in).
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import en from '../src/lib/i18n/en';
import es from '../src/lib/i18n/es';
import fr from '../src/lib/i18n/fr';
import { base, pageTexts, screenshot, signedIn } from './helpers';

const NEWCOMER = 'amina';
const FIRST_PASSWORD = 'river stone lantern';
const NEW_PASSWORD = 'harbour kettle morning';

/** Open a route of the app in the same session (only the hash changes). */
async function go(page: Page, hash: string) {
  await page.goto(page.url().replace(/#.*$/, hash));
}

/** A new window (its own session storage) at the sign-in form, in English. */
async function signInPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${base()}/#/`);
  await page.evaluate(() => localStorage.setItem('cd4mm.locale', 'en'));
  await page.reload();
  return page;
}

/** What the sign-in form says beside itself (a notice of an ended session may show above it too). */
const signInError = (page: Page) => page.locator('form [role="alert"]');

async function signIn(page: Page, user: string, password: string) {
  await page.getByLabel('User name').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an administrator manages people, workspaces, coverage and devices, and the audit log says so', async ({
  browser,
}) => {
  const page = await signedIn(browser, 'admin');
  // Every confirmation on this page is accepted.
  page.on('dialog', (dialog) => void dialog.accept());
  await page.getByRole('link', { name: 'Server administration' }).click();
  await expect(page.getByRole('heading', { name: 'Server administration', level: 1 })).toBeVisible();
  const status = page.getByTestId('admin-status');

  // A person, whose first password is too short: the server's reason is shown beside the form.
  const addUser = page.getByTestId('add-user');
  await expect(addUser).toContainText('At least 10 characters.');
  await addUser.getByLabel('User name').fill(NEWCOMER);
  await addUser.getByLabel('Password').fill('short');
  await addUser.getByRole('button', { name: 'Add user' }).click();
  await expect(addUser.getByRole('alert')).toContainText('at least 10 characters');
  await expect(addUser.getByLabel('User name')).toHaveValue(NEWCOMER);
  await addUser.getByLabel('Password').fill(FIRST_PASSWORD);
  await addUser.getByRole('button', { name: 'Add user' }).click();
  await expect(status).toContainText(`user \`${NEWCOMER}\` added`);
  await expect(addUser.getByRole('alert')).toHaveCount(0);
  const newcomer = page.locator(`[data-testid="user-row"][data-user="${NEWCOMER}"]`);
  await expect(newcomer).toBeVisible();
  await expect(page.locator('[data-testid="user-row"][data-user="admin"]')).toContainText('Administrator');
  await expect(page.locator('[data-testid="user-row"][data-user="regional"]')).toContainText('Ghana');

  // A workspace in a country picked from the list; its id is suggested from its name.
  await page.getByRole('link', { name: 'Workspaces' }).click();
  const addWorkspace = page.getByTestId('add-workspace');
  await addWorkspace.getByLabel('Name').fill('Coastal labour migration');
  await expect(addWorkspace.getByLabel('Id, as in its address')).toHaveValue('coastal-labour-migration');
  await addWorkspace.getByLabel('Id, as in its address').fill('kenya-coast');
  await addWorkspace.getByLabel('Country').selectOption({ label: 'Kenya' });
  await addWorkspace.getByRole('button', { name: 'Add workspace' }).click();
  await expect(status).toContainText('workspace `kenya-coast` added');
  const card = page.locator('[data-testid="workspace-card"][data-workspace="kenya-coast"]');
  await expect(card.getByRole('heading', { name: /Coastal labour migration/ })).toBeVisible();
  await expect(card.getByTestId('workspace-country')).toHaveText('Kenya');
  await expect(card.getByTestId('country-not-listed')).toHaveCount(0);

  // Renamed: the button waits until something changed.
  const save = card.getByRole('button', { name: 'Save name and country' });
  await expect(save).toBeDisabled();
  await card.getByLabel('Name of kenya-coast').fill('Kenya coast labour migration');
  await save.click();
  await expect(status).toContainText('workspace `kenya-coast` changed');
  await expect(card.getByRole('heading', { name: /Kenya coast labour migration/ })).toBeVisible();

  // The newcomer as a member, with a role; the role changed; then removed.
  await card.getByLabel('Add a member').selectOption(NEWCOMER);
  await card.getByLabel('Role', { exact: true }).selectOption({ label: 'Editor' });
  await card.getByRole('button', { name: 'Add member' }).click();
  await expect(status).toContainText(`\`${NEWCOMER}\` is now editor of \`kenya-coast\``);
  const member = card.locator(`[data-testid="member-row"][data-user="${NEWCOMER}"]`);
  const role = member.getByLabel(`Role of ${NEWCOMER}`);
  await expect(role).toHaveValue('editor');
  await role.selectOption({ label: 'Government counterpart' });
  await member.getByRole('button', { name: `Change role of ${NEWCOMER}` }).click();
  await expect(status).toContainText(`\`${NEWCOMER}\` is now counterpart of \`kenya-coast\``);
  await expect(role).toHaveValue('counterpart');
  await expect(member.getByRole('button', { name: /Change role/ })).toHaveCount(0);
  await screenshot(page, 'admin-workspaces');
  await member.getByRole('button', { name: `Remove ${NEWCOMER} from the workspace` }).click();
  await expect(status).toContainText(`\`${NEWCOMER}\` is no longer a member of \`kenya-coast\``);
  await expect(member).toHaveCount(0);

  // The regional officer covers Togo for a while.
  await page.getByRole('link', { name: 'Regional coverage' }).click();
  const regional = page.locator('[data-testid="coverage-row"][data-user="regional"]');
  await regional.getByLabel('Country to add for regional').selectOption({ label: 'Togo' });
  await regional.getByRole('button', { name: 'Add country for regional' }).click();
  await expect(status).toContainText('`regional` now reads every workspace in Togo');
  await expect(regional.getByTestId('covered')).toContainText('Togo');
  // A country covered already is not offered again.
  const offered = regional.getByLabel('Country to add for regional').locator('option');
  await expect(offered.filter({ hasText: 'Togo' })).toHaveCount(0);
  await regional.getByRole('button', { name: 'Remove Togo from the countries of regional' }).click();
  await expect(status).toContainText('`regional` no longer reads the workspaces in Togo');
  await expect(regional.getByTestId('covered')).not.toContainText('Togo');
  await expect(regional.getByTestId('covered')).toContainText('Ghana');

  // Disabled, the newcomer cannot sign in, and is told why.
  await page.getByRole('link', { name: 'Users' }).click();
  await newcomer.getByRole('button', { name: `Disable ${NEWCOMER}` }).click();
  await expect(status).toContainText(`\`${NEWCOMER}\` is disabled`);
  await expect(newcomer.getByTestId('user-disabled')).toBeVisible();
  const theirs = await signInPage(browser);
  await signIn(theirs, NEWCOMER, FIRST_PASSWORD);
  await expect(signInError(theirs)).toHaveText('This account is disabled. Ask an administrator to enable it.');

  // Enabled again, they can.
  await newcomer.getByRole('button', { name: `Enable ${NEWCOMER}` }).click();
  await expect(status).toContainText(`\`${NEWCOMER}\` is enabled`);
  await expect(newcomer.getByTestId('user-disabled')).toHaveCount(0);
  await signIn(theirs, NEWCOMER, FIRST_PASSWORD);
  await expect(theirs.getByRole('heading', { name: 'Your workspaces' })).toBeVisible();

  // A new password: their browser session ends, and only the new password works.
  await newcomer.getByRole('button', { name: `Reset password for ${NEWCOMER}` }).click();
  await page.getByLabel(`New password for ${NEWCOMER}`).fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await expect(status).toContainText(`\`${NEWCOMER}\`'s password is reset`);
  await expect(page.getByLabel(`New password for ${NEWCOMER}`)).toHaveCount(0);
  await theirs.reload();
  await expect(theirs.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await signIn(theirs, NEWCOMER, FIRST_PASSWORD);
  await expect(signInError(theirs)).toHaveText('The user name or password is not right.');
  await signIn(theirs, NEWCOMER, NEW_PASSWORD);
  await expect(theirs.getByRole('heading', { name: 'Your workspaces' })).toBeVisible();

  // Their session, revoked from the Devices section, stops working; this session is marked.
  await page.getByRole('link', { name: 'Devices' }).click();
  const devices = page.getByTestId('admin-devices');
  const mine = devices.locator('[data-testid="device-row"][data-user="admin"]');
  await expect(mine.getByTestId('this-session')).toHaveCount(1);
  const session = devices.locator(`[data-testid="device-row"][data-user="${NEWCOMER}"]`);
  await expect(session).toHaveCount(1);
  await expect(session).toContainText('Browser session');
  await expect(session).toContainText('Active');
  await screenshot(page, 'admin-devices');
  await session.getByRole('button', { name: `Revoke web browser of ${NEWCOMER}` }).click();
  await expect(status).toContainText('revoked: its token no longer works');
  await expect(session).toHaveCount(0);
  await theirs.reload();
  await expect(theirs.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await theirs.context().close();

  // The audit log, newest first, names every action in words; older entries page in.
  await page.getByRole('link', { name: 'Audit log' }).click();
  const log = page.getByTestId('audit-log');
  const rows = log.getByTestId('audit-row');
  await expect(rows.first()).toHaveAttribute('data-action', 'revoke_device');
  await expect(rows.first()).toContainText('Device revoked');
  for (const words of [
    'User added',
    'Workspace added',
    'Workspace changed',
    'Member added or role changed',
    'Member removed',
    'Country covered',
    'Country no longer covered',
    'User disabled',
    'User enabled',
    'Password reset',
  ]) {
    await expect(log.getByRole('cell', { name: words, exact: true }).first(), words).toBeVisible();
  }
  await expect(rows).toHaveCount(25);
  await screenshot(page, 'admin-audit');
  await page.getByRole('button', { name: 'Older entries' }).click();
  await expect(page.getByText('This is the beginning of the log.')).toBeVisible();
  expect(await rows.count()).toBeGreaterThan(25);
  // The demo's own setting-up, by the server's console, is at the end.
  await expect(rows.last()).toContainText('server console');
});

test('someone who is not an administrator is offered no administration, and the page says why', async ({
  browser,
}) => {
  const page = await signedIn(browser, 'officer');
  await expect(page.getByTestId('my-devices')).toBeVisible();
  await expect(page.getByRole('link', { name: /administration/i })).toHaveCount(0);
  await go(page, '#/admin/users');
  await expect(page.getByRole('heading', { name: 'Server administration', level: 1 })).toBeVisible();
  await expect(page.getByTestId('admin-refused')).toHaveText(
    'Only administrators can open this page. If your account or your workspaces need a change, ask an administrator.',
  );
  await expect(page.getByTestId('add-user')).toHaveCount(0);
  // The server refuses too, in its own words, whatever the page shows.
  const refusal = await page.evaluate(async () => {
    const { token } = JSON.parse(localStorage.getItem('cd4mm.session') ?? '{}') as { token: string };
    const response = await fetch('/api/admin/overview', { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, code: ((await response.json()) as { code: string }).code };
  });
  expect(refusal).toEqual({ status: 403, code: 'not_an_admin' });
});

test('My devices: a person sees this session and signs out one left open elsewhere', async ({ browser }) => {
  const elsewhere = await signedIn(browser, 'officer');
  const page = await signedIn(browser, 'officer');
  page.on('dialog', (dialog) => void dialog.accept());
  const mine = page.getByTestId('my-devices');
  await expect(mine.getByRole('heading', { name: 'My devices' })).toBeVisible();
  const current = mine.getByTestId('device-row').filter({ has: page.getByTestId('this-session') });
  await expect(current).toHaveCount(1);
  await expect(current).toContainText('Browser session');

  const otherId = await elsewhere.evaluate(
    () => (JSON.parse(localStorage.getItem('cd4mm.session') ?? '{}') as { device_id: string }).device_id,
  );
  const other = mine.locator(`[data-testid="device-row"][data-device="${otherId}"]`);
  await expect(other).toBeVisible();
  await expect(other.getByTestId('this-session')).toHaveCount(0);
  await expect(page.getByRole('link', { name: 'Northern border crossings' })).toBeVisible();
  await screenshot(page, 'my-devices');
  await other.getByRole('button', { name: /^Sign out this device: web browser/ }).click();
  await expect(mine.getByRole('status')).toContainText('revoked');
  await expect(other).toHaveCount(0);
  await expect(current).toHaveCount(1);

  // The other window finds itself signed out at its next request.
  await elsewhere.reload();
  await expect(elsewhere.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  // This one still works.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your workspaces' })).toBeVisible();
});

for (const [lang, catalogue] of [
  ['fr', fr],
  ['es', es],
] as const) {
  test(`the administration pages and My devices leave no English in ${lang}`, async ({ browser }) => {
    const page = await signedIn(browser, 'admin');
    await page.getByTestId('language').selectOption(lang);
    const english = new Map<string, string>(
      Object.entries(en as Record<string, string>)
        .filter(([key, text]) => (catalogue as Record<string, string>)[key] !== text)
        .map(([key, text]) => [text, key]),
    );
    const check = async (where: string) => {
      await page.waitForLoadState('networkidle');
      // The audit log's details are the server's words, as it wrote them.
      const details = new Set(await page.locator('[data-testid="audit-row"] td:nth-child(5)').allInnerTexts());
      const left = (await pageTexts(page))
        .filter((t) => english.has(t) && !details.has(t))
        .map((t) => `${english.get(t)}: ${t}`);
      expect(left, `English left on ${where} in ${lang}`).toEqual([]);
    };
    await expect(page.getByTestId('my-devices').getByTestId('this-session')).toBeVisible();
    await check('the home page');
    for (const section of ['users', 'workspaces', 'coverage', 'devices', 'audit']) {
      await go(page, `#/admin/${section}`);
      await expect(page.locator('main h2').first()).toBeVisible();
      await expect(page.locator('main table').first()).toBeVisible();
      await check(`#/admin/${section}`);
    }
    // A country is named in the reader's language, and the list sorted by that name.
    await go(page, '#/admin/workspaces');
    const countries = page.getByTestId('add-workspace').getByTestId('country-select');
    await expect(countries.locator('option', { hasText: lang === 'fr' ? 'Allemagne' : 'Alemania' })).toHaveCount(1);
    await screenshot(page, `admin-workspaces-${lang}`);
  });
}
