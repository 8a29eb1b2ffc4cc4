export * from './types.js';
export { DATASETS, DATASET_NAMES, datasetSpec, datasetFromPath } from './catalogue.js';
export { loadDataset, locateDataset, hubAddresses, type DatasetLocation, type DatasetSourceOptions, type LoadedDataset } from './load-dataset.js';
export { readNativeRows } from './read-rows.js';
