import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { app } from './lib/app.svelte';
import { i18n, loadCatalogue } from './lib/i18n/index.svelte';
import { startOfflineShell } from './lib/pwa';

document.documentElement.lang = i18n.locale;
void app.start();
// The app itself kept for opening with no network (browsers only).
startOfflineShell();
// The reader's language first, so the first screen is not English for a moment.
await loadCatalogue(i18n.locale);

export default mount(App, { target: document.getElementById('app')! });
