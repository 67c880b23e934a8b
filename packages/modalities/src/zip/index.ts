/** The project's zip unpacker (uploads and data sets): limits on files, inflated bytes and ratio; no entry outside the archive. */
export { hasZipMagic, InvalidZipError, isSkippedEntry, unzipBytes, unzipStream, ZipLimitError, type UnzipBudget, type UnzipLimits, type UnzipOptions, type ZipEntry } from './unzip.js';
