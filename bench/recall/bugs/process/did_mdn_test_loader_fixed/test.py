"""Fixed: the test loop runs in main() under the main guard."""
import argparse

import torch
import torchvision.utils as vutils

import models.derain_dense_relu as net
from misc import getLoader


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataroot", required=True)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--netG", default="./pre_trained/netG_epoch_9.pth")
    opt = parser.parse_args()

    dataloader = getLoader("pix2pix", opt.dataroot, 512, 512, 1, opt.workers, split="test", shuffle=False, seed=None)
    netG = net.Dense_rain()
    netG.load_state_dict(torch.load(opt.netG))
    netG.eval()

    for i, data in enumerate(dataloader, 0):
        input_cpu, target_cpu, label_cpu, w11, h11 = data
        with torch.no_grad():
            residual_val, x_hat_val, label = netG(input_cpu, label_cpu)
        vutils.save_image(x_hat_val, f"./result_all/testdataset/{i}.jpg", normalize=True)


if __name__ == "__main__":
    main()
