import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { app } from './lib/app.svelte';
import { i18n } from './lib/i18n/index.svelte';

document.documentElement.lang = i18n.locale;
void app.start();

export default mount(App, { target: document.getElementById('app')! });
