export * from './elf';
