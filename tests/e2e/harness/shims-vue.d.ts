// For tools that read TypeScript without Vue support (typescript-eslint's project service):
// vue-tsc resolves the real single-file components first and never falls back to this.
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent<object, object, unknown>;
  export default component;
}
