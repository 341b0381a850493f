export * from './architectureFile';
