import 'katex/dist/katex.min.css';
import 'highlight.js/styles/github.css';
import '@picocss/pico/css/pico.min.css';
import './styles.css';
import { render } from 'preact';
import { adoptTokenFromUrl } from './api';
import { App } from './app';

adoptTokenFromUrl();
render(<App />, document.getElementById('app')!);
