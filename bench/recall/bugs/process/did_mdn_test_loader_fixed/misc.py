import torch.utils.data
import torchvision.transforms as transforms

from datasets.pix2pix_class import pix2pix as commonDataset


def getLoader(datasetName, dataroot, originalSize, imageSize, batchSize=64, workers=4, split="train", shuffle=True, seed=None):
    dataset = commonDataset(root=dataroot, transform=transforms.Compose([transforms.Resize(originalSize), transforms.ToTensor()]), seed=seed)
    return torch.utils.data.DataLoader(dataset, batch_size=batchSize, shuffle=shuffle, num_workers=int(workers))
