#!/usr/bin/env bash
# Rebuilds the natural-photograph folder used for teacher pretraining, from Debian
# packages only (bookworm). See docs/teacher-photos.md for the package table,
# licences and what was left out, and why.
#
# Usage: bench/prepare_photos.sh [OUT_DIR]          (OUT_DIR defaults to /work/photos)
#   env PHOTOS_WORKDIR=DIR   where the .deb files are downloaded and unpacked
#                            (default: a fresh mktemp dir, deleted afterwards)
#   env KEEP_WORKDIR=1       keep that dir
#   env PHOTOS_MAX_SIDE=N    longer side limit in pixels (default 1024)
#   env PHOTOS_JOBS=N        worker processes for decoding/encoding (default 2; the
#                            output does not depend on it)
#
# Needs: apt-get and dpkg-deb (nothing is installed, packages are only downloaded and
# unpacked with dpkg-deb -x), and a python3 that has Pillow (Debian: python3-pil;
# /usr/bin/python3 is tried first). The apt lists must know the pinned versions
# (run apt-get update first if a download fails).
#
# Output: OUT_DIR/{gray,rgb,gray-heldout,rgb-heldout}/<package>__<stem>.png and
# OUT_DIR/MANIFEST.tsv (one line for each image: split, name, package, version, source,
# original and output size, licence, credit, SHA-256 of the decoded gray and RGB pixel
# bytes, which do not depend on the zlib version that wrote the PNG), and
# OUT_DIR/REJECTED.tsv (the rule-selected texture candidates that failed a test, and why).
# Two groups: 126 photographs listed one by one (SEL), and photographed textures of
# four game-data packages chosen by deterministic rules plus pixel tests (RULES).
# Needs about 3.4 GB of downloads and 5.6 GB of unpacked trees in the work dir.
# Images are 8-bit PNG, L (gray) or RGB. The longer side is at most 1024 px (Lanczos,
# aspect kept, never upscaled). Gray = Pillow's ITU-R 601-2 luma of the sRGB RGB image.
# Hold-out (about 10%, stratified by package): within each package the output names
# "<package>__<stem>" are sorted by their SHA-256 hex digest and the first
# floor(n/10 + 1/2) go to *-heldout (so packages with fewer than 5 images have none).
set -euo pipefail

OUT=${1:-/work/photos}
MAX_SIDE=${PHOTOS_MAX_SIDE:-1024}

# package=version, exactly as used for the published folder (Debian 12 bookworm, amd64)
PACKAGES=(
  "gcompris-qt-data=3.1-2"
  "lomiri-wallpapers-16.04=20.04.0-2"
  "lomiri-wallpapers-20.04=20.04.0-2"
  "lxqt-themes=1.2.0-1"
  "mate-backgrounds=1.26.0-1"
  "palapeli-data=4:22.12.3-1"
  "plasma-workspace-wallpapers=4:5.27.5-2"
  "python3-skimage=0.19.3-8"
  "python3-sklearn=1.2.1+dfsg-1"
  "sddm-theme-maldives=0.19.0-5"
  "tuxpaint-data=1:0.9.28-sdl2-1"
  # photographed textures, selected by pattern rules (see RULES in the Python part)
  "0ad-data=0.0.26-1"
  "extremetuxracer-data=0.8.2-1"
  "flightgear-data-base=1:2020.3.16+dfsg-1"
  "ufoai-textures=2.5-2"
)
JOBS=${PHOTOS_JOBS:-2}

PY=
for cand in /usr/bin/python3 python3; do
  if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import PIL' >/dev/null 2>&1; then
    PY=$(command -v "$cand"); break
  fi
done
if [ -z "$PY" ]; then
  echo "prepare_photos: no python3 with Pillow found; on Debian: apt-get install -y python3-pil" >&2
  exit 2
fi

if [ -n "${PHOTOS_WORKDIR:-}" ]; then
  WORK=$PHOTOS_WORKDIR; mkdir -p "$WORK"
else
  WORK=$(mktemp -d /tmp/prepare_photos.XXXXXX)
  if [ "${KEEP_WORKDIR:-0}" != 1 ]; then trap 'rm -rf "$WORK"' EXIT; fi
fi
mkdir -p "$WORK/debs" "$WORK/root"
chmod 755 "$WORK" "$WORK/debs"   # lets apt's _apt user write there (avoids the sandbox warning)

echo "prepare_photos: downloading ${#PACKAGES[@]} packages into $WORK/debs" >&2
VERSIONS_FILE="$WORK/versions.tsv"
: > "$VERSIONS_FILE"
for spec in "${PACKAGES[@]}"; do
  pkg=${spec%%=*}; ver=${spec#*=}
  # apt-get download names the file with the version's ':' as '%3a'
  if ! deb=$(ls "$WORK/debs/${pkg}_${ver/:/%3a}_"*.deb 2>/dev/null | head -n1) || [ -z "$deb" ]; then
    if ! (cd "$WORK/debs" && apt-get download -q "$pkg=$ver" >&2); then
      echo "prepare_photos: WARNING: $pkg=$ver not available, taking the candidate version;" \
           "images may differ from the documented set (see the MANIFEST hashes)" >&2
      (cd "$WORK/debs" && apt-get download -q "$pkg" >&2)
    fi
    deb=$(ls -t "$WORK/debs/${pkg}_"*.deb | head -n1)
  fi
  # a kept PHOTOS_WORKDIR reuses a package tree unpacked from the same .deb
  stamp="$(basename "$deb") $(stat -c %s "$deb")"
  if [ "$(cat "$WORK/root/$pkg.unpacked" 2>/dev/null)" != "$stamp" ]; then
    rm -rf "$WORK/root/$pkg" "$WORK/root/$pkg.unpacked"; mkdir -p "$WORK/root/$pkg"
    dpkg-deb -x "$deb" "$WORK/root/$pkg"
    echo "$stamp" > "$WORK/root/$pkg.unpacked"
  fi
  printf '%s\t%s\n' "$pkg" "$(dpkg-deb -f "$deb" Version)" >> "$VERSIONS_FILE"
done

STAGE="$WORK/stage"
rm -rf "$STAGE"; mkdir -p "$STAGE"
"$PY" - "$WORK/root" "$STAGE" "$MAX_SIDE" "$VERSIONS_FILE" "$JOBS" <<'PYEOF'
import hashlib, io, multiprocessing, os, re, struct, sys, zipfile, zlib
from PIL import Image, ImageFilter, ImageOps, ImageStat
try:
    from PIL import ImageCms
except ImportError:  # colour management is optional; only two sources carry Adobe RGB
    ImageCms = None

ROOT, STAGE, MAX_SIDE, VERSIONS = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
JOBS = max(1, int(sys.argv[5]))
versions = dict(l.rstrip('\n').split('\t') for l in open(VERSIONS))

# ---------------------------------------------------------------------------------
# Selection: (package, source path inside the unpacked package, output stem, licence,
# credit). Licence = what the package states for that file: its debian/copyright
# paragraph, or the per-image metadata shipped next to it when that is more specific
# (palapeli .desktop, plasma metadata.json, skimage docstrings, gcompris credits).
# A path "X.rcc::/res/path" is a file inside a Qt resource bundle.
# ---------------------------------------------------------------------------------
L16 = 'usr/share/backgrounds/'
MATE = 'usr/share/backgrounds/mate/nature/'
PLASMA = 'usr/share/wallpapers/%s/contents/images/2560x1600.jpg'
SK = 'usr/lib/python3/dist-packages/skimage/data/'
TUX = 'usr/share/tuxpaint/templates/'
LXQT = 'usr/share/lxqt/wallpapers/'
PAL = 'usr/share/palapeli/collection/'
GC_ERASE = 'usr/share/gcompris-qt/rcc/erase.rcc::/gcompris/src/activities/erase/resource/%s.webp'
GC_WA = ('usr/share/gcompris-qt/rcc/explore_world_animals.rcc::'
         '/gcompris/src/activities/explore_world_animals/resource/animals/%s.webp')
GC_MON = ('usr/share/gcompris-qt/rcc/explore_monuments.rcc::'
          '/gcompris/src/activities/explore_monuments/resource/wonders/%s.webp')

SEL = []
def add(pkg, path, stem, lic, credit, trim=False, rule=None):
    SEL.append(dict(pkg=pkg, path=path, stem=stem, lic=lic, credit=credit, trim=trim, rule=rule))

for f, lic, who in [
        ('Bridge_by_Sander_Klootwijk', 'CC-BY-SA-4.0', 'Sander Klootwijk'),
        ('Dragonfly_by_Bolly', 'CC-BY-SA-4.0', '"Bolly"'),
        ('Picture_0B_by_freespace', 'CC-BY-4.0', 'Trevor "Freespace"'),
        ('Picture_1A_by_freespace', 'CC-BY-4.0', 'Trevor "Freespace"'),
        ('Wine_by_Jakkub_Mede', 'CC-BY-4.0', 'Jakub Mede'),
        ('aitzgorri_by_Aitzol_Berasategi', 'CC-BY-4.0', 'Aitzol Berasategi'),
        ('free_by_Peter_Nerlich', 'CC-BY-SA-4.0', 'Peter Nerlich'),
        ('friends_by_Aitzol_Berasategi', 'CC-BY-4.0', 'Aitzol Berasategi'),
        ('greentock_by_Peter_Nerlich', 'CC-BY-SA-4.0', 'Peter Nerlich'),
        ('life_by_Aitzol_Berasategi', 'CC-BY-4.0', 'Aitzol Berasategi'),
        ('picosdeeuropa_by_Aitzol_Berasategi', 'CC-BY-4.0', 'Aitzol Berasategi'),
        ('seeding_by_Clements_Engelhardt', 'CC0-1.0', 'Clemens Engelhardt'),
        ('sunset_by_Aitzol_Berasategi', 'CC-BY-4.0', 'Aitzol Berasategi')]:
    add('lomiri-wallpapers-16.04', L16 + f + '.jpg', f, lic, who)
add('lomiri-wallpapers-20.04', L16 + 'Kleiber_by_Lukas_Baubkus.jpg', 'Kleiber_by_Lukas_Baubkus',
    'CC-BY-SA-3.0', 'Lukas Baubkus')

for f, who in [('Aqua', 'Charles Barbin'), ('Blinds', 'Lennart Poettering, Andrea Cimitan'),
               ('Dune', 'Marco Cogoni, Hylke Bons'), ('FreshFlower', 'Jens Ansorg'),
               ('Garden', 'Charles Barbin'), ('GreenMeadow', 'Timothy Schellhase, Lapo Calamandrei'),
               ('LadyBird', 'Charles Barbin'), ('RainDrops', '"blackcombwhistler07"'),
               ('Storm', 'Sergey Nazarov'), ('TwoWings', 'Charles Barbin, Hylke Bons'),
               ('Wood', 'Jean-Francois Fortin Tam'), ('YellowFlower', 'Charles Barbin')]:
    add('mate-backgrounds', MATE + f + '.jpg', f, 'GPL-2+', who)

for d, who in [('BytheWater', 'Maciej Wiklo'), ('ColdRipple', 'Risto Saukonpaa'),
               ('ColorfulCups', 'Dmitri Popov'), ('DarkestHour', 'Risto Saukonpaa'),
               ('EveningGlow', 'Ian Hex'), ('FallenLeaf', 'Martin Klapetek'), ('Grey', 'Sigi Sagi'),
               ('Kite', 'Risto Saukonpaa'), ('OneStandsOut', 'Risto Saukonpaa'),
               ('Path', 'Risto Saukonpaa'), ('summer_1am', 'Risto Saukonpaa')]:
    add('plasma-workspace-wallpapers', PLASMA % d, d,
        'GPL-2+ (debian/copyright); metadata.json: LGPLv3', who)

for f, lic, who in [
        ('castle-maintenon', 'GFDL ("FDL" in .desktop)', 'Eric Pouhier'),
        ('cincinnati-bridge', 'public domain', 'Derek Jensen'),
        ('citrus-fruits', 'public domain', 'US Department of Agriculture'),
        ('european-honey-bee', 'public domain', 'John Severns'),
        ('panther-chameleon-female', 'GFDL ("GNU-FDL" in .desktop)', 'B. Navez and others')]:
    add('palapeli-data', PAL + f + '.jpg', f, lic + '; debian/copyright Files:* GPL-2+', who)

for f in ['burnt_bark', 'cliff', 'corn_maze', 'jellyfish', 'lighthouse', 'mossy_bark', 'mossy_log',
          'mudstone', 'ocean_splash', 'ocean_waves', 'redwoods_above', 'rocks', 'sheep',
          'spiders_web', 'sun_behind_clouds', 'sun_behind_leaves', 'trees_above', 'trees_at_dusk',
          'wool_mill_machine']:
    add('tuxpaint-data', TUX + f + '.jpg', f, 'GPL-2+', 'Bill Kendrick (AUTHORS.txt)',
        trim=(f == 'mossy_bark'))  # mossy_bark has black letterbox bars

for f, ext, lic, who in [
        ('astronaut', 'png', 'public domain (NASA)', 'NASA'),
        ('brick', 'png', 'CC0-1.0', 'CC0Textures'),
        ('camera', 'png', 'CC0-1.0', 'Lav Varshney'),
        ('chelsea', 'png', 'CC0-1.0', 'Stefan van der Walt'),
        ('coffee', 'png', 'CC0-1.0', 'Rachel Michetti'),
        ('grass', 'png', 'CC0-1.0', 'linolafett (DeviantArt)'),
        ('gravel', 'png', 'CC0-1.0', 'CC0Textures'),
        ('hubble_deep_field', 'jpg', 'public domain (NASA)', 'NASA'),
        ('rocket', 'jpg', 'public domain (SpaceX)', 'SpaceX'),
        ('text', 'png', 'public domain', 'Wikipedia File:Corner.png')]:
    add('python3-skimage', SK + f + '.' + ext, f, lic + '; docstring in skimage/data/_fetchers.py', who)

add('python3-sklearn', 'usr/lib/python3/dist-packages/sklearn/datasets/images/china.jpg', 'china',
    'CC-BY-2.0 (datasets/images/README.txt)', 'danielbuechele (Flickr)')
add('python3-sklearn', 'usr/lib/python3/dist-packages/sklearn/datasets/images/flower.jpg', 'flower',
    'CC-BY-2.0 (datasets/images/README.txt)', 'vultilion (Flickr)')

for f, who in [('Butterfly-Kenneth-Wimer', 'Kenneth Wimer'), ('Valendas', 'LXQt Project Team'),
               ('after-the-rain', 'stefonarch'), ('appleflower', 'stefonarch'), ('beam', 'stefonarch'),
               ('butterfly', 'stefonarch'), ('cloud', 'LXQt Project Team'), ('drop', 'stefonarch'),
               ('flowers', 'stefonarch'), ('fog', 'stefonarch'), ('this-is-not-windows', 'stefonarch')]:
    ext = 'jpg' if f in ('Butterfly-Kenneth-Wimer', 'after-the-rain', 'fog', 'this-is-not-windows') else 'png'
    add('lxqt-themes', LXQT + f + '.' + ext, f,
        'CC-BY-SA-3.0 (wallpapers/License); debian/copyright Files:* LGPL-2.1+', who)

add('sddm-theme-maldives', 'usr/share/sddm/themes/maldives/background.jpg', 'background',
    'CC-BY-3.0', 'Nevit Dilmen')

# gcompris "erase": licence per image from the credit list in erase/ActivityInfo.qml
# (debian/copyright lists an older image set for this folder)
for f, lic, who in [
        ('alpaca', 'CC-BY-SA-4.0', 'Dietmar Rabich'), ('bee', 'CC-BY-2.0', 'aussiegall'),
        ('butterfly', 'CC-BY-SA-4.0', 'Jee & Rani Nature Photography'),
        ('calf', 'CC-BY-SA-4.0', 'Basile Morin'), ('camels', 'CC-BY-SA-4.0', 'Alexandr frolov'),
        ('caterpillar', 'CC-BY-SA-4.0', 'Ivar Leidus'), ('chamaeleon', 'CC-BY-3.0', 'Benny Trapp'),
        ('cheetah', 'CC-BY-SA-4.0', 'Charles J. Sharp'), ('dolphin', 'CC-BY-SA-4.0', 'Tal Shema'),
        ('flying_fox', 'CC-BY-SA-4.0', 'Andrew Mercer'), ('gibbon', 'CC-BY-3.0', 'JJ Harrison'),
        ('goat', 'CC-BY-SA-4.0', 'JoachimKohlerBremen'), ('gorilla', 'CC-BY-SA-4.0', 'Charles J. Sharp'),
        ('gosling', 'CC-BY-SA-4.0', 'Stephan Sprinz'), ('heron', 'CC-BY-SA-4.0', 'Stephan Sprinz'),
        ('horse', 'CC-BY-SA-4.0', 'Eatcha'), ('kitten', 'CC-BY-2.0', 'GalgenTX'),
        ('long_nosed_monkey', 'CC-BY-SA-4.0', 'Charles J. Sharp'),
        ('macaque', 'CC-BY-SA-4.0', 'PJeganathan'), ('meerkats', 'CC-BY-SA-4.0', 'Charles J. Sharp'),
        ('northern_harrier', 'CC-BY-SA-4.0', 'Frank Schulenburg'),
        ('nubian_ibex', 'CC-BY-SA-4.0', 'Rhododendrites'), ('penguin', 'CC-BY-SA-4.0', 'Gordon Leggett'),
        ('rhinoceros', 'CC-BY-SA-4.0', 'Charles J. Sharp'), ('spoonbills', 'CC-BY-SA-4.0', 'Ryzhkov Sergey'),
        ('squirrel', 'CC-BY-SA-4.0', 'Roman Naumov'), ('swans', 'CC-BY-SA-4.0', 'Charles J. Sharp'),
        ('toucan', 'CC-BY-SA-4.0', 'LG Nyqvist')]:
    add('gcompris-qt-data', GC_ERASE % f, f, lic + ' (erase/ActivityInfo.qml credit)', who)
for f, lic, who in [
        ('chameleon', 'CC-BY-SA-2.0', 'Laika ac'), ('crocodile', 'CC-BY-3.0', 'Kmanoj'),
        ('dragon', 'CC-BY-SA-3.0', 'Raul654'), ('kangaroo', 'GFDL-NIV-1.2', 'fir0002/Flagstaffotos'),
        ('koala', 'CC-BY-SA-3.0', 'David Iliff'), ('lemur', 'CC-BY-SA-3.0', 'Sannse'),
        ('moose', 'public-domain', 'Ryan Hagerty'), ('panda', 'CC-BY-1.0', 'Aaron Logan'),
        ('polar_bear', 'CC-BY-SA-4.0', 'Arturo de Frias Marques'),
        ('scarlet_macaw', 'CC-BY-SA-2.0', 'Jar0d')]:
    add('gcompris-qt-data', GC_WA % f, f, lic + ' (debian/copyright)', who)
for f, who in [('chichenItza', 'Daniel Schwen'), ('christTheRedeemer', 'Chensiyuan'), ('tajMahal', 'Yann')]:
    add('gcompris-qt-data', GC_MON % f, f, 'CC-BY-SA-4.0 (explore_monuments/ActivityInfo.qml credit)', who)

# ---------------------------------------------------------------------------------
# Photographed textures, selected by rules instead of by hand. Each rule lists the
# candidate files of one package in sorted order; every candidate then has to pass
# the same pixel tests (texture_reject below): shorter side >= 256 px in the source,
# not a native grayscale file (those are masks here), not nearly flat, and not a near
# duplicate of an image kept before it. The alpha channel of these textures (used by
# the games as a height or gloss channel) is dropped. Candidates that fail are listed
# with the reason in OUT/REJECTED.tsv.
# ---------------------------------------------------------------------------------
NOT_PHOTO = re.compile(r'_(norm|normal|nm|spec|gm|sm|rm|hm|g|glow|bump|height|mask)$|'
                       r'mask|overlay|relief|structure|colors|transition|void|water|foam|'
                       r'^(LavaTest|DirtTests)')

def _uniq(cands):
    """cands: sorted (stem, path); keep the first path for each stem."""
    seen, out = set(), []
    for stem, path in cands:
        if stem not in seen:
            seen.add(stem); out.append((stem, path))
    return out

# 0 A.D.: terrain textures (diffuse only) in the game's public.zip. debian/copyright:
# Files: * -> CC-BY-SA-3.0, Wildfire Games.
ZAD = 'usr/share/games/0ad/mods/public/public.zip'
TER = 'art/textures/terrain/types/'
c = []
with zipfile.ZipFile(os.path.join(ROOT, '0ad-data', ZAD)) as z:
    for n in sorted(z.namelist()):
        if not (n.startswith(TER) and n.endswith('.dds')):
            continue
        rel = re.sub(r'\.(png|dds)\.cached\.dds$|\.dds$', '', n[len(TER):])
        if NOT_PHOTO.search(rel.rsplit('/', 1)[-1]) or rel.startswith('water/'):
            continue
        c.append(('terrain-' + rel.replace('/', '-').replace(' ', '_'), n))
for stem, n in _uniq(c):
    add('0ad-data', ZAD + '::' + n, stem, 'CC-BY-SA-3.0 (debian/copyright Files: *)',
        'Wildfire Games', rule='0ad-terrain')

# FlightGear: terrain textures (mostly aerial photographs). debian/copyright: Files: *
# -> GPL-2+. A .dds is skipped when a .png of the same name exists (same picture).
FGT = 'usr/share/games/flightgear/Textures/'
# drawn or procedural, found on the contact sheets: a test checkerboard, a gray
# stripe pattern, a drawn street plan, blob mosaics
FG_SKIP = {'unknown', 'crop', 'industry-midle-east', 'cropwood', 'cropwood-autumn'}
for d, prefix in (('Terrain', ''), ('Terrain.winter', 'winter-')):
    files = sorted(os.listdir(os.path.join(ROOT, 'flightgear-data-base', FGT, d)))
    c = []
    for f in files:
        m = re.match(r'(.+)\.(png|dds|jpg)$', f)
        if (not m or NOT_PHOTO.search(m.group(1)) or m.group(1).startswith('Town')
                or m.group(1) in FG_SKIP):
            continue
        if m.group(2) == 'dds' and m.group(1) + '.png' in files:
            continue
        c.append((prefix + m.group(1), FGT + d + '/' + f))
    for stem, path in _uniq(c):
        add('flightgear-data-base', path, stem, 'GPL-2+ (debian/copyright Files: *)',
            'FlightGear team (Curtis L. Olson and others)', rule='fg-terrain')

# Extreme Tux Racer: ground textures. debian/copyright: Files: * -> GPL-2+.
ETR = 'usr/share/games/etr/terrains/'
for f in sorted(os.listdir(os.path.join(ROOT, 'extremetuxracer-data', ETR))):
    if f.endswith('.png'):
        add('extremetuxracer-data', ETR + f, f[:-4], 'GPL-2+ (debian/copyright Files: *)',
            'Extreme Tux Racer team (Jasmin F. Patry, Volker Stroebel and others)', rule='etr-terrain')

# UFO: Alien Invasion: textures of buildings, materials and nature in 0textures.pk3.
# Licence and credit per file from the paragraphs of debian/copyright (which name the
# files as base/textures/...); files without a paragraph fall under Files: *.
def debian_copyright(path):
    paras, cur, key = [], None, None
    for line in open(path, encoding='utf-8'):
        line = line.rstrip('\n')
        if not line.strip():
            cur = None; continue
        if cur is None:
            cur = {}; paras.append(cur)
        if line[0] not in ' \t':
            key, _, val = line.partition(':')
            cur[key] = [val.strip()] if val.strip() else []
        elif key is not None:
            cur[key].append(line.strip())
    files = {}
    default = None
    for para in paras:
        if 'Files' not in para or not para.get('License'):
            continue
        lic, cred = para['License'][0], '; '.join(x for x in para.get('Copyright', []) if x)
        for f in ' '.join(para['Files']).split():
            if f == '*':
                default = (lic, cred)
            else:
                files[f] = (lic, cred)
    return files, default
UFO = 'usr/share/games/ufoai/base/0textures.pk3'
ufo_files, ufo_default = debian_copyright(
    os.path.join(ROOT, 'ufoai-textures', 'usr/share/doc/ufoai-textures/copyright'))
c = []
with zipfile.ZipFile(os.path.join(ROOT, 'ufoai-textures', UFO)) as z:
    for n in sorted(z.namelist()):
        m = re.match(r'textures/(tex_(?:buildings|material|nature))/([^/]+)\.(png|jpg|tga)$', n)
        if m and not NOT_PHOTO.search(m.group(2)):
            c.append((m.group(1) + '-' + m.group(2), n))
for stem, n in _uniq(c):
    lic, cred = ufo_files.get('base/' + n, ufo_default)
    if ';' in cred:
        cred = 'one or more of: ' + cred  # the paragraph covers many files
    src = 'debian/copyright' if 'base/' + n in ufo_files else 'debian/copyright Files: *'
    add('ufoai-textures', UFO + '::' + n, stem, '%s (%s)' % (lic, src), cred, rule='ufoai')


def read_rcc(path):
    """Files of a Qt binary resource bundle (.rcc, format 1-3, stored or zlib)."""
    b = open(path, 'rb').read()
    assert b[:4] == b'qres', path
    ver, tree, data, names = struct.unpack('>IIII', b[4:20])
    esz = 22 if ver >= 2 else 14
    def name(off):
        n, = struct.unpack('>H', b[names + off:names + off + 2])
        return b[names + off + 6:names + off + 6 + 2 * n].decode('utf-16-be')
    out = {}
    def walk(idx, prefix):
        o = tree + idx * esz
        noff, flags = struct.unpack('>IH', b[o:o + 6])
        p = prefix + '/' + name(noff) if idx else ''
        if flags & 2:
            cnt, first = struct.unpack('>II', b[o + 6:o + 14])
            for i in range(cnt):
                walk(first + i, p)
        else:
            doff, = struct.unpack('>I', b[o + 10:o + 14])
            ln, = struct.unpack('>I', b[data + doff:data + doff + 4])
            raw = b[data + doff + 4:data + doff + 4 + ln]
            if flags & 4:
                raw = None  # zstd: not needed for the files used here
            elif flags & 1:
                raw = zlib.decompress(raw[4:])
            out[p] = raw
    walk(0, '')
    return out

_bundles = {}
def open_source(pkg, path):
    if '::' in path:
        bundle, inner = path.split('::')
        key = (os.getpid(), os.path.join(ROOT, pkg, bundle))
        if key not in _bundles:
            if bundle.endswith('.rcc'):
                _bundles[key] = read_rcc(key[1])
            else:  # .zip / .pk3
                _bundles[key] = zipfile.ZipFile(key[1])
        b = _bundles[key]
        raw = b[inner] if isinstance(b, dict) else b.read(inner)
        return Image.open(io.BytesIO(raw))
    return Image.open(os.path.join(ROOT, pkg, path))

def to_srgb(im):
    icc = im.info.get('icc_profile')
    if icc and ImageCms is not None:
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        desc = ImageCms.getProfileDescription(src).strip()
        if 'sRGB' not in desc and desc != 'c2':  # 'c2' is a compact sRGB profile
            im = ImageCms.profileToProfile(im, src, ImageCms.createProfile('sRGB'), outputMode='RGB')
    return im

def trim_black(im, thr=8):
    """Crop rows/columns at the borders whose every pixel is <= thr (letterbox bars)."""
    g = im.convert('L')
    w, h = g.size
    def dark(box):
        return g.crop(box).getextrema()[1] <= thr
    t = 0
    while t < h - 1 and dark((0, t, w, t + 1)): t += 1
    b = h
    while b > t + 1 and dark((0, b - 1, w, b)): b -= 1
    l = 0
    while l < w - 1 and dark((l, t, l + 1, b)): l += 1
    r = w
    while r > l + 1 and dark((r - 1, t, r, b)): r -= 1
    return im.crop((l, t, r, b))

def texture_stats(rgb):
    """Standard deviation and mean edge strength of a 256x256 gray thumbnail, and a
    64-bit difference hash (for the near-duplicate test)."""
    g = rgb.convert('L').resize((256, 256), Image.BILINEAR)
    sd = ImageStat.Stat(g).stddev[0]
    edge = ImageStat.Stat(g.filter(ImageFilter.FIND_EDGES).crop((1, 1, 255, 255))).mean[0]
    t = list(g.resize((9, 8), Image.BOX).getdata())
    dh = sum(1 << i for i in range(64) if t[i // 8 * 9 + i % 8] > t[i // 8 * 9 + i % 8 + 1])
    return sd, edge, dh

MIN_SIDE, MIN_SD, MIN_EDGE, MAX_HAMMING = 256, 4.5, 3.0, 4

def convert(e):
    """Decode, colour-manage, resize and PNG-encode one selection entry (runs in a worker)."""
    name = '%s__%s' % (e['pkg'], e['stem'])
    im = open_source(e['pkg'], e['path'])
    im.load()
    orig = im.size
    im = ImageOps.exif_transpose(im)
    im = to_srgb(im)
    if im.mode in ('RGBA', 'LA', 'PA') or (im.mode == 'P' and 'transparency' in im.info):
        im = im.convert('RGBA')
        if e['rule']:
            im = im.convert('RGB')  # texture alpha is a height/gloss channel, not coverage
        else:
            assert im.getchannel('A').getextrema()[0] == 255, name + ' has transparent pixels'
    native_gray = im.mode in ('L', 'I', 'I;16', 'F', '1')
    im = im.convert('L' if native_gray else 'RGB')
    im.info.clear()  # no ICC profile, EXIF, dpi or text chunks are carried into the PNGs
    if e['trim']:
        im = trim_black(im)
    w, h = im.size
    s = min(1.0, MAX_SIDE / max(w, h))
    if s < 1.0:
        im = im.resize((max(1, round(w * s)), max(1, round(h * s))), Image.LANCZOS)
    gray = im if native_gray else im.convert('L')
    rgb = im.convert('RGB')
    r = dict(name=name, orig=orig, size=rgb.size, native_gray=native_gray,
             sha_gray=hashlib.sha256(gray.tobytes()).hexdigest(),
             sha_rgb=hashlib.sha256(rgb.tobytes()).hexdigest(), reject=None)
    if e['rule']:
        sd, edge, r['dhash'] = texture_stats(rgb)
        r['stats'] = 'sd=%.1f edge=%.1f' % (sd, edge)
        if min(orig) < MIN_SIDE:
            r['reject'] = 'small (shorter side < %d px)' % MIN_SIDE
        elif native_gray:
            r['reject'] = 'native grayscale (mask or gloss map)'
        elif sd < MIN_SD or edge < MIN_EDGE:
            r['reject'] = 'nearly flat (%s)' % r['stats']
        if r['reject']:
            return r
    # zlib level 9 for the whitelisted photographs (their PNG bytes stay as published);
    # level 6 for the rule-selected textures: about 1 % larger, 5-8x faster on DXT data
    level = 6 if e['rule'] else 9
    out = []
    for i in (gray, rgb):
        b = io.BytesIO(); i.save(b, 'PNG', optimize=False, compress_level=level); out.append(b.getvalue())
    r['png_gray'], r['png_rgb'] = out
    return r

PENDING = os.path.join(STAGE, 'pending')
os.makedirs(PENDING, exist_ok=True)
seen_names, seen_pixels, kept_hashes, kept, rejected = set(), {}, [], [], []
for e in SEL:
    name = '%s__%s' % (e['pkg'], e['stem'])
    assert name not in seen_names, name
    seen_names.add(name)
with multiprocessing.Pool(JOBS) as pool:
    for e, r in zip(SEL, pool.imap(convert, SEL, chunksize=4)):
        name = r['name']
        if not r['reject'] and e['rule']:
            for other, dh in kept_hashes:
                if bin(dh ^ r['dhash']).count('1') <= MAX_HAMMING:
                    r['reject'] = 'near duplicate of ' + other
                    break
        if not r['reject'] and e['rule'] and r['sha_rgb'] in seen_pixels:
            r['reject'] = 'same pixels as ' + seen_pixels[r['sha_rgb']]
        if r['reject']:
            rejected.append([name, e['pkg'], e['path'], '%dx%d' % r['orig'], r['reject']])
            print('%-8s %-60s %s' % ('rejected', name, r['reject']), file=sys.stderr)
            continue
        assert r['sha_rgb'] not in seen_pixels, '%s duplicates %s' % (name, seen_pixels.get(r['sha_rgb']))
        seen_pixels[r['sha_rgb']] = name
        if e['rule']:
            kept_hashes.append((name, r['dhash']))
        for kind in ('gray', 'rgb'):
            with open(os.path.join(PENDING, name + '.' + kind + '.png'), 'wb') as f:
                f.write(r['png_' + kind])
        kept.append((e, r))
        print('%-8s %-60s %s -> %s' % ('kept', name, '%dx%d' % r['orig'], '%dx%d' % r['size']),
              file=sys.stderr)

# Hold-out split, stratified by package: within each package, order the output names by
# their SHA-256 and hold out the first floor(n/10 + 1/2) (about 10%; none for packages
# with fewer than 5 images). Depends on the kept names only, never on run order.
HELDOUT = set()
for pkg in sorted(set(e['pkg'] for e, r in kept)):
    names = sorted((r['name'] for e, r in kept if e['pkg'] == pkg),
                   key=lambda n: hashlib.sha256(n.encode()).hexdigest())
    HELDOUT.update(names[:int(len(names) / 10 + 0.5)])

for sub in ('gray', 'rgb', 'gray-heldout', 'rgb-heldout'):
    os.makedirs(os.path.join(STAGE, sub), exist_ok=True)
rows = []
for e, r in kept:
    name = r['name']
    split = 'heldout' if name in HELDOUT else 'train'
    sfx = '-heldout' if split == 'heldout' else ''
    for kind in ('gray', 'rgb'):
        os.rename(os.path.join(PENDING, name + '.' + kind + '.png'),
                  os.path.join(STAGE, kind + sfx, name + '.png'))
    rows.append([split, name, e['pkg'], versions[e['pkg']], e['path'],
                 '%dx%d' % r['orig'], '%dx%d' % r['size'], 'gray' if r['native_gray'] else 'rgb',
                 e['lic'], e['credit'], r['sha_gray'], r['sha_rgb']])
os.rmdir(PENDING)

with open(os.path.join(STAGE, 'MANIFEST.tsv'), 'w') as f:
    f.write('\t'.join(['split', 'name', 'package', 'version', 'source', 'orig_size', 'size',
                       'native', 'licence', 'credit', 'sha256_gray_pixels', 'sha256_rgb_pixels']) + '\n')
    for r in rows:
        f.write('\t'.join(r) + '\n')
with open(os.path.join(STAGE, 'REJECTED.tsv'), 'w') as f:
    f.write('\t'.join(['name', 'package', 'source', 'orig_size', 'reason']) + '\n')
    for r in rejected:
        f.write('\t'.join(r) + '\n')
n_h = sum(r[0] == 'heldout' for r in rows)
print('prepare_photos: %d images, %d train, %d held out; %d rule candidates rejected'
      % (len(rows), len(rows) - n_h, n_h, len(rejected)), file=sys.stderr)
PYEOF

# swap the finished folders in
mkdir -p "$OUT"
for sub in gray rgb gray-heldout rgb-heldout; do
  rm -rf "${OUT:?}/$sub"
  mv "$STAGE/$sub" "$OUT/$sub"
done
mv "$STAGE/MANIFEST.tsv" "$OUT/MANIFEST.tsv"
mv "$STAGE/REJECTED.tsv" "$OUT/REJECTED.tsv"
echo "prepare_photos: wrote $OUT ($(du -sh "$OUT" | cut -f1))" >&2
