"""Release packaging: a `dedup build` folder made into a verifiable, self-describing release.

files      the folder: file names, hashes and the one Parquet inspection (`inspect_file`)
facts      `ReleaseFacts`: everything the documents state, computed once from run.json and the files
manifest   manifest.json and SHA256SUMS (written, and read back as a typed `Manifest`)
markdown   Markdown writers; `inline` and `code` escape page data
card       README.md (Hugging Face front matter and datasheet)
licences   LICENSES.md
changelog  CHANGELOG.md and the semver rules (`next_version`)
croissant  croissant.json (Croissant 1.1)
report     report.html
package    `package(out)`: writes all of the above
verify     `verify(out)`: the problems of a release folder, [] when it is good
publish    copies and uploads of a verified release
"""
