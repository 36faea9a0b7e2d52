import type { Theme } from 'vitepress';
import DefaultTheme from 'vitepress/theme';
import RunnableSnippet from './RunnableSnippet.vue';
import './custom.css';

export default {
  extends: DefaultTheme,
  enhanceApp({ app }) {
    app.component('RunnableSnippet', RunnableSnippet);
  },
} satisfies Theme;
