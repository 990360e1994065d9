import { render } from 'preact';
import { App } from './app';
// The UI's own Korean font (web/font.ts keeps the slices it needs): before styles.css, which names it first.
import '@fontsource-variable/noto-sans-kr/wght.css';
import './styles.css';

render(<App />, document.getElementById('app')!);
