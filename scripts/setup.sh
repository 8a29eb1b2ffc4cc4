#!/usr/bin/env bash
# Installs everything mathcoder needs on a Debian machine, then builds it:
# - Python 3 with sympy, numpy, scipy, IPython, matplotlib from Debian's packages (the sandbox's interpreter),
#   ipykernel and jupyter_client (the Jupyter kernel that bench/sandbox compares against),
#   bubblewrap (network and file-system isolation of the sandbox), python3-torch (the CPU training-step test of `train`),
#   chromium (the browser the tests of `mathcoder view` drive with playwright-core, which downloads none of its own);
# - the npm packages (without the optional CUDA/Vulkan builds of llama.cpp: see README to add them).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3 python3-sympy python3-numpy python3-scipy python3-ipython python3-ipykernel
  python3-jupyter-client python3-matplotlib bubblewrap python3-torch chromium)

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

npm ci --omit=optional --no-audit --no-fund
npm run build
