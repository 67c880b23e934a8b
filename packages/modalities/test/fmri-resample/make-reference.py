#!/usr/bin/python3
"""Reference for fmri-resample.test.ts: a volume on an oblique, x-flipped, anisotropic grid written with
nibabel, and what nibabel.processing.resample_from_to (scipy.ndimage.affine_transform, mode 'constant',
cval 0) makes of it on a 4 mm RAS grid, trilinear (order 1) and nearest (order 0).

Run with Debian's python3 (python3-nibabel, python3-scipy) from this folder:
    /usr/bin/python3 make-reference.py
It writes source.nii.gz and expected.json (nibabel 5.0.0, scipy 1.10.1)."""
import json

import nibabel as nib
import numpy as np
import scipy
from nibabel.processing import resample_from_to

ni, nj, nk = 10, 9, 8
i, j, k = np.meshgrid(np.arange(ni), np.arange(nj), np.arange(nk), indexing='ij')
data = (np.sin(0.7 * i) + 0.5 * np.cos(0.45 * j) * (k + 1) + 0.1 * i * j - 0.05 * k * k).astype(np.float32)

theta = np.deg2rad(20)
rotation = np.array([[np.cos(theta), -np.sin(theta), 0], [np.sin(theta), np.cos(theta), 0], [0, 0, 1]])
source_affine = np.eye(4)
source_affine[:3, :3] = rotation @ np.diag([-3.0, 3.0, 3.5])  # x flipped (LAS-like), oblique about z
source_affine[:3, 3] = [14.0, -12.0, -10.0]

target_shape = (8, 8, 6)
target_affine = np.diag([4.0, 4.0, 4.0, 1.0])
target_affine[:3, 3] = [-20.0, -18.0, -8.0]

img = nib.Nifti1Image(data, source_affine)
img.header.set_xyzt_units('mm')
img.set_qform(source_affine, code=1)
img.set_sform(source_affine, code=1)
nib.save(img, 'source.nii.gz')
saved = nib.load('source.nii.gz')
read_affine = saved.affine

out = {
    'source': 'source.nii.gz',
    'sourceAffine': read_affine.tolist(),
    'targetShape': list(target_shape),
    'targetAffine': target_affine.tolist(),
    'versions': {'nibabel': nib.__version__, 'scipy': scipy.__version__, 'numpy': np.__version__},
}
for name, order in (('trilinear', 1), ('nearest', 0)):
    res = resample_from_to(saved, (target_shape, target_affine), order=order, mode='constant', cval=0.0)
    out[name] = [float(v) for v in np.asarray(res.dataobj, dtype=np.float64).ravel(order='C')]
with open('expected.json', 'w') as f:
    json.dump(out, f)
print('inside (non-zero) trilinear voxels:', int(np.count_nonzero(out['trilinear'])), 'of', int(np.prod(target_shape)))
